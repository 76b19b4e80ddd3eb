// Checks the two builds' log: the import, the kernels javac generated, the test's accuracy, then the skip.
def log = new File(basedir, 'build.log').text
def generated = new File(basedir, 'target/generated-sources/quantgen/com/example/mnist')
def kernels = new File(basedir, 'target/generated-sources/annotations/com/example/mnist')

def expect = { boolean ok, String what -> if (!ok) throw new AssertionError(what) }
expect(log.contains('quantgen: src/main/onnx/mnist-8.onnx -> 6 layers, @Quantize(INT8), model com.example.mnist.Mnist8'),
       'the first build imports mnist-8.onnx')
expect(log.contains('8 sources in target/generated-sources/quantgen, weights target/generated-resources/quantgen/com/example/mnist/Mnist8.npz'),
       'the build says where the sources and weights went')
expect(new File(generated, 'Mnist8.java').isFile() && new File(generated, 'Mnist8Weights.java').isFile(),
       'the @Model interface and its weight binding are generated')
expect(new File(basedir, 'target/classes/com/example/mnist/Mnist8.npz').isFile(), 'the weights are a resource')
expect(new File(kernels, 'Mnist8_Model.java').isFile(), 'javac generated the model class')
expect(kernels.list().any { it.endsWith('_Int8.java') }, 'javac generated INT8 kernels')
expect(log.contains('Tests run: 1, Failures: 0, Errors: 0, Skipped: 0'), 'the sample test ran and passed')
expect(log.contains('mnist-8 INT8 (generated kernels, calibrated on the first 300 images): '), 'the test printed its accuracy')
expect(log.contains('quantgen: src/main/onnx/mnist-8.onnx unchanged since the last build: com.example.mnist.Mnist8 is up to date'),
       'the second build skips the unchanged model')
log.eachLine { if (it.contains('quantgen: ') || it.contains('mnist-8 INT8')) println it }
return true
