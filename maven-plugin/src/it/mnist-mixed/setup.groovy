// The sample's only model: mnist-8.onnx from ../shared, copied into the cloned project under target/it
// (never into the source tree), where a user would put it.
def model = new File(new File(sharedDir).canonicalFile, 'data/models/mnist-8.onnx')
def onnx = new File(basedir, 'src/main/onnx')
onnx.mkdirs()
new File(onnx, 'mnist-8.onnx').bytes = model.bytes
return true
