package dev.quantgen.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.Shape;
import dev.quantgen.training.network.Convolution;
import dev.quantgen.training.network.Linear;
import dev.quantgen.training.network.MaxPooling;
import dev.quantgen.training.network.Network;
import dev.quantgen.training.network.Relu;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A network trained in Java, written as ONNX, computes the same outputs on the ONNX path. */
class NetworkExporterTest {
  /** 2 x 7 x 7 -> conv 3x3 pad 1 (3 filters) -> ReLU -> max pool 2 (3 x 3 x 3) -> dense 27 -> 4. */
  private static Network small(long seed) {
    Random random = new Random(seed);
    return Network.of(
        List.of(
            Convolution.heInit("conv", 2, 7, 7, 3, 3, 1, random),
            new Relu(3 * 7 * 7),
            new MaxPooling(3, 7, 7, 2),
            Linear.heInit("fc", 27, 4, random)));
  }

  @Test
  void exportedGraphComputesTheNetworksOutputs() throws Exception {
    Network network = small(1);
    float[] x = new float[5 * 98];
    Random random = new Random(2);
    for (int i = 0; i < x.length; i++) {
      x[i] = random.nextFloat();
    }
    LoweredModel lowered =
        GraphLowering.lower(
            OnnxModel.parse(NetworkExporter.export(network, "small", 2, 7, 7), "small.onnx"));
    assertEquals(
        List.of("conv", "fc"),
        lowered.layers().stream()
            .filter(l -> l instanceof ConvSpec || l instanceof DenseSpec)
            .map(l -> l instanceof ConvSpec c ? c.weightName() : ((DenseSpec) l).weightName())
            .map(n -> n.substring(0, n.indexOf('.')))
            .toList(),
        "initializers keep the layer names");
    float[] java = network.outputs(x, 5);
    FloatTensor onnx = new FloatExecutor(lowered).run(FloatTensor.of(Shape.of(5, 2, 7, 7), x));
    for (int i = 0; i < java.length; i++) {
      assertEquals(java[i], onnx.get(i), 1e-5f, "output " + i);
    }
  }

  @Test
  void inputThatDoesNotMatchTheNetworkIsRejected() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> NetworkExporter.export(small(1), "small", 1, 7, 7));
    assertTrue(
        e.getMessage().contains("input [1, 7, 7] has 49 values, but the network takes 98"),
        e.getMessage());
  }
}
