package dev.quantgen.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.testkit.SharedData;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * ONNX Runtime as the oracle for the FP32 path: mnist-8's logits from ORT and from our reference
 * layers, image by image over all 10,000 test images.
 *
 * <p>Tolerance 1e-4 absolute on logits (|logit| up to about 30): both sides sum in float32 but in
 * different orders (ORT: im2col + blocked, FMA GEMM; ours: c, ky, kx per output, then the bias), so
 * each conv output may differ by a few ulps of its partial sums, and the difference grows through
 * two conv layers and the 256-wide dense layer. Predictions must be identical.
 */
class OnnxRuntimeAgreementTest {
  private static final double TOLERANCE = 1e-4;

  @Test
  void fp32LogitsAgreeWithOnnxRuntimeOnAllTestImages() throws IOException, OrtException {
    Path file = SharedData.require("data/models/mnist-8.onnx");
    MnistTestSet mnist = MnistTestSet.load();
    LoweredModel lowered = GraphLowering.lower(OnnxModel.read(file));
    FloatExecutor ours = new FloatExecutor(lowered);
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    double maxDiff = 0;
    int disagreements = 0;
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      try (OrtSession session = env.createSession(Files.readAllBytes(file), options)) {
        int batch = 500;
        for (int start = 0; start < mnist.size(); start += batch) {
          int end = Math.min(mnist.size(), start + batch);
          FloatTensor logits = ours.run(mnist.images(start, end));
          for (int i = start; i < end; i++) {
            float[] expected = ortLogits(env, session, mnist.images(i, i + 1));
            float[] actual = new float[10];
            for (int c = 0; c < 10; c++) {
              actual[c] = logits.get((i - start) * 10 + c);
              maxDiff = Math.max(maxDiff, Math.abs(actual[c] - expected[c]));
            }
            if (argmax(actual) != argmax(expected)) {
              disagreements++;
            }
          }
        }
      }
    }
    System.out.printf(
        "mnist-8 FP32 vs ONNX Runtime: max |logit diff| %.3g, prediction disagreements %d / %d%n",
        maxDiff, disagreements, mnist.size());
    assertTrue(maxDiff <= TOLERANCE, "max |logit difference| " + maxDiff + " > " + TOLERANCE);
    assertArrayEquals(
        new int[] {0}, new int[] {disagreements}, "images where the predicted class differs");
  }

  private static float[] ortLogits(OrtEnvironment env, OrtSession session, FloatTensor image)
      throws OrtException {
    try (ai.onnxruntime.OnnxTensor input =
            ai.onnxruntime.OnnxTensor.createTensor(
                env, FloatBuffer.wrap(image.toArray()), new long[] {1, 1, 28, 28});
        OrtSession.Result result = session.run(Map.of("Input3", input))) {
      return ((float[][]) result.get(0).getValue())[0];
    }
  }

  private static int argmax(float[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }
}
