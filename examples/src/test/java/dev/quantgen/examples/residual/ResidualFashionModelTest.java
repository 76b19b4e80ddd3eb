package dev.quantgen.examples.residual;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.quantgen.runtime.layer.ActivationParams;
import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.training.network.Network;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The annotated residual models compute the network the trainer trained: on the committed weights,
 * the generated FP32 forward equals the trainer's float network (the same layers, the skip
 * connection reading the block's input, depthwise filters one per channel) up to float summation
 * order, and the generated INT8 model's residual connection is QLinearAdd of the block's output and
 * its input with their own parameters. No dataset needed.
 */
class ResidualFashionModelTest {
  private static float[] image(Random random) {
    float[] x = new float[ResidualFashionShape.INPUT_SIZE];
    for (int i = 0; i < x.length; i++) {
      x[i] = random.nextFloat() < 0.4f ? 0f : random.nextFloat();
    }
    return x;
  }

  @Test
  void generatedFp32ModelComputesTheTrainedNetwork() throws Exception {
    Network network =
        ResidualFashion.load(ResidualFashionResults.resource(ResidualFashionResults.WEIGHTS));
    Map<String, FloatTensor> weights =
        ResidualFashion.weights(ResidualFashionResults.resource(ResidualFashionResults.WEIGHTS));
    ResidualFashionInt8_Model.Fp32 fp32 = ResidualFashionInt8_Model.fp32(weights);
    ResidualFashionFp16_Model.Floats fp16 = ResidualFashionFp16_Model.floats(weights);
    Random random = new Random(16);
    for (int s = 0; s < 20; s++) {
      float[] x = image(random);
      float[] expected = network.outputs(x, 1);
      float[] y = fp32.forward(x);
      float[] half = fp16.forward(x);
      for (int i = 0; i < 10; i++) {
        assertEquals(expected[i], y[i], 1e-4 * (1 + Math.abs(expected[i])), "sample " + s);
        // binary16 weights move the logits by far less than their spread
        assertEquals(expected[i], half[i], 2e-2 * (1 + Math.abs(expected[i])), "fp16 " + s);
      }
    }
  }

  @Test
  void int8SkipConnectionIsQLinearAddOfTheBlockAndItsInput() throws Exception {
    Map<String, FloatTensor> weights =
        ResidualFashion.weights(ResidualFashionResults.resource(ResidualFashionResults.WEIGHTS));
    Random random = new Random(17);
    List<float[]> samples = new ArrayList<>();
    for (int s = 0; s < 16; s++) {
      samples.add(image(random));
    }
    ResidualFashionInt8_Model.Int8 int8 = ResidualFashionInt8_Model.calibrate(weights, samples);
    List<ActivationParams> p = int8.params();
    ActivationParams block = p.get(4); // Pointwise's output
    ActivationParams input = p.get(2); // Pool1's output, the block's input
    ActivationParams sum = p.get(5); // Skip's own
    assertNotEquals(block.scale(), sum.scale(), "the join requantizes to its own scale");
    for (float[] x : samples) {
      byte[][] q = int8.traceQuantized(x);
      byte[] expected = new byte[q[4].length];
      for (int i = 0; i < expected.length; i++) {
        float v =
            block.scale() * (float) (q[3][i] - block.zeroPoint())
                + input.scale() * (float) (q[1][i] - input.zeroPoint());
        expected[i] =
            (byte) Math.max(-128, Math.min(127, Math.rint(v / sum.scale()) + sum.zeroPoint()));
      }
      assertArrayEquals(expected, q[4], "Skip = QLinearAdd(Pointwise, Pool1)");
    }
  }
}
