// Checks the build's log and output: each layer with weights got the @Quantize and the kernel of the
// precision the pom gave it, and the test ran on them.
def log = new File(basedir, 'build.log').text
def generated = new File(basedir, 'target/generated-sources/quantgen/com/example/mnist')
def kernels = new File(basedir, 'target/generated-sources/annotations/com/example/mnist')

def expect = { boolean ok, String what -> if (!ok) throw new AssertionError(what) }
expect(log.contains('quantgen: src/main/onnx/mnist-8.onnx -> 6 layers, @Quantize(INT8, Convolution28: FP16, Times212: FP32), model com.example.mnist.Mnist8'),
       'the import names the layers that take another precision')
expect(new File(generated, 'Convolution28.java').text.contains('precision = Precision.FP16'), 'Convolution28 is annotated FP16')
expect(new File(generated, 'Convolution110.java').text.contains('precision = Precision.INT8'), 'Convolution110 is annotated INT8')
expect(new File(generated, 'Times212.java').text.contains('precision = Precision.FP32'), 'Times212 is annotated FP32')
['Convolution28_Fp16', 'Convolution110_Int8', 'Times212_Fp32'].each {
    expect(new File(kernels, it + '.java').isFile(), 'javac generated ' + it)
}
['Convolution28_Int8', 'Convolution110_Fp16', 'Times212_Int8', 'Times212_Fp16'].each {
    expect(!new File(kernels, it + '.java').exists(), 'no kernel at a precision the pom did not ask for: ' + it)
}
expect(log.contains('Tests run: 1, Failures: 0, Errors: 0, Skipped: 0'), 'the sample test ran and passed')
expect(log.contains('mnist-8 mixed FP16/INT8/FP32 (generated kernels, calibrated on the first 300 images): '), 'the test printed its accuracy')
log.eachLine { if (it.contains('quantgen: ') || it.contains('mnist-8 mixed')) println it }
return true
