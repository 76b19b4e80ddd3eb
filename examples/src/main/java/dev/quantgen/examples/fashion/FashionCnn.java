package dev.quantgen.examples.fashion;

import dev.quantgen.quantize.weights.NpyWriter;
import dev.quantgen.quantize.weights.WeightSource;
import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.Shape;
import dev.quantgen.training.network.Convolution;
import dev.quantgen.training.network.Layer;
import dev.quantgen.training.network.Linear;
import dev.quantgen.training.network.MaxPooling;
import dev.quantgen.training.network.Network;
import dev.quantgen.training.network.Relu;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The small Fashion-MNIST CNN: {@code conv1} 1→16 3x3, ReLU, 2x2 max pool, {@code conv2} 16→32 3x3,
 * ReLU, 2x2 max pool, flatten (32 x 7 x 7 = 1568), {@code fc1} 1568→128, ReLU, {@code fc2} 128→10.
 * Stride 1, zero padding 1 (the borders of the garment count): the "2 Conv + pooling" shape of the
 * dataset's benchmark table, about 1.2 M multiply-adds per image.
 */
public final class FashionCnn {
  private FashionCnn() {}

  /** A He-initialized network from {@code seed}. */
  public static Network init(long seed) {
    Random random = new Random(seed);
    Convolution conv1 = Convolution.heInit("conv1", 1, 28, 28, 16, 3, 1, random);
    Convolution conv2 = Convolution.heInit("conv2", 16, 14, 14, 32, 3, 1, random);
    return Network.of(
        List.of(
            conv1,
            new Relu(16 * 28 * 28),
            new MaxPooling(16, 28, 28, 2),
            conv2,
            new Relu(32 * 14 * 14),
            new MaxPooling(32, 14, 14, 2),
            Linear.heInit("fc1", 32 * 7 * 7, 128, random),
            new Relu(128),
            Linear.heInit("fc2", 128, 10, random)));
  }

  /**
   * Saves conv and dense parameters under PyTorch names ({@code conv1.weight [16, 1, 5, 5]}, ...).
   */
  public static void save(Network network, Path file) throws IOException {
    NpyWriter.writeNpz(file, parameters(network), true);
  }

  /** The conv and dense parameters by PyTorch name, in layer order. */
  static Map<String, FloatTensor> parameters(Network network) {
    Map<String, FloatTensor> tensors = new LinkedHashMap<>();
    for (Layer layer : network.layers()) {
      if (layer instanceof Convolution c) {
        tensors.put(
            c.name() + ".weight",
            FloatTensor.of(
                Shape.of(c.filters(), c.channels(), c.kernel(), c.kernel()), c.weight()));
        tensors.put(c.name() + ".bias", FloatTensor.of(Shape.of(c.filters()), c.bias()));
      } else if (layer instanceof Linear l) {
        tensors.put(
            l.name() + ".weight",
            FloatTensor.of(Shape.of(l.outputSize(), l.inputSize()), l.weight()));
        tensors.put(l.name() + ".bias", FloatTensor.of(Shape.of(l.outputSize()), l.bias()));
      }
    }
    return tensors;
  }

  /** Loads the parameters {@link #save} wrote into a freshly built network. */
  public static Network load(Path file) throws IOException {
    Network network = init(0);
    try (WeightSource source = WeightSource.open(file)) {
      for (Layer layer : network.layers()) {
        String name;
        Shape shape;
        if (layer instanceof Convolution c) {
          name = c.name();
          shape = Shape.of(c.filters(), c.channels(), c.kernel(), c.kernel());
        } else if (layer instanceof Linear l) {
          name = l.name();
          shape = Shape.of(l.outputSize(), l.inputSize());
        } else {
          continue;
        }
        List<float[]> params = layer.parameters();
        float[] w = source.get(name, name + ".weight", shape).toArray();
        float[] b = source.get(name, name + ".bias", Shape.of(shape.dim(0))).toArray();
        System.arraycopy(w, 0, params.get(0), 0, params.get(0).length);
        System.arraycopy(b, 0, params.get(1), 0, params.get(1).length);
      }
    }
    return network;
  }
}
