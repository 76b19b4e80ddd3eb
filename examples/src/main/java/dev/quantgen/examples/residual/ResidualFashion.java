package dev.quantgen.examples.residual;

import dev.quantgen.quantize.weights.NpyWriter;
import dev.quantgen.quantize.weights.WeightSource;
import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.Shape;
import dev.quantgen.training.network.Convolution;
import dev.quantgen.training.network.DepthwiseConvolution;
import dev.quantgen.training.network.Layer;
import dev.quantgen.training.network.Linear;
import dev.quantgen.training.network.MaxPooling;
import dev.quantgen.training.network.Network;
import dev.quantgen.training.network.Relu;
import dev.quantgen.training.network.Residual;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The residual Fashion-MNIST network as the trainer runs it: {@code Stem} conv 1→16 3x3 (pad 1),
 * ReLU, 2x2 max pool, then a depthwise-separable residual block on 16x14x14 ({@code Depthwise} 3x3
 * with one filter per channel, ReLU, {@code Pointwise} 1x1 16→16, plus the block's input), 2x2 max
 * pool, {@code Expand} conv 16→32 3x3 (pad 1), ReLU, flatten (32 x 7 x 7 = 1568), {@code Head}
 * 1568→10. About 0.44 M multiply-adds per image.
 *
 * <p>A first version averaged {@code Expand}'s planes (global average pooling, then 32→10) and
 * stopped at 0.8095 after 3 epochs (train loss 0.52, underfitting): with two pools and 3x3 filters
 * the averaged features see too little of the garment, so the head reads the 7x7 planes instead.
 *
 * <p>Each parameterized layer carries the simple name of its annotated class ({@link
 * ResidualFashionInt8} and its siblings), and {@link #save} writes {@code Name.weight} and {@code
 * Name.bias} in PyTorch layouts, so one {@code .npz} binds every generated model.
 */
public final class ResidualFashion {
  /** Channels of the stem and the residual block. */
  static final int WIDTH = 16;

  /** Channels of the last convolution, whose 7x7 planes the head reads. */
  static final int FEATURES = 32;

  private ResidualFashion() {}

  /** A He-initialized network from {@code seed}. */
  public static Network init(long seed) {
    Random random = new Random(seed);
    return Network.of(
        List.of(
            Convolution.heInit("Stem", 1, 28, 28, WIDTH, 3, 1, random),
            new Relu(WIDTH * 28 * 28),
            new MaxPooling(WIDTH, 28, 28, 2),
            Residual.of(
                List.of(
                    DepthwiseConvolution.heInit("Depthwise", WIDTH, 14, 14, 3, 1, random),
                    new Relu(WIDTH * 14 * 14),
                    Convolution.heInit("Pointwise", WIDTH, 14, 14, WIDTH, 1, 0, random))),
            new MaxPooling(WIDTH, 14, 14, 2),
            Convolution.heInit("Expand", WIDTH, 7, 7, FEATURES, 3, 1, random),
            new Relu(FEATURES * 7 * 7),
            Linear.heInit("Head", FEATURES * 7 * 7, 10, random)));
  }

  /** Writes every parameterized layer's weight and bias under its name. */
  public static void save(Network network, Path file) throws IOException {
    NpyWriter.writeNpz(file, parameters(network), true);
  }

  /** {@code Name.weight} and {@code Name.bias} of every parameterized layer, in layer order. */
  public static Map<String, FloatTensor> parameters(Network network) {
    Map<String, FloatTensor> tensors = new LinkedHashMap<>();
    for (Layer layer : flattened(network)) {
      Shape shape = weightShape(layer);
      if (shape == null) {
        continue;
      }
      String name = name(layer);
      tensors.put(name + ".weight", FloatTensor.of(shape, layer.parameters().get(0).clone()));
      tensors.put(
          name + ".bias",
          FloatTensor.of(Shape.of(shape.dim(0)), layer.parameters().get(1).clone()));
    }
    return tensors;
  }

  /** A network with the parameters {@link #save} wrote. */
  public static Network load(Path file) throws IOException {
    Network network = init(0);
    try (WeightSource source = WeightSource.open(file)) {
      for (Layer layer : flattened(network)) {
        Shape shape = weightShape(layer);
        if (shape == null) {
          continue;
        }
        String name = name(layer);
        float[] w = source.get(name, name + ".weight", shape).toArray();
        float[] b = source.get(name, name + ".bias", Shape.of(shape.dim(0))).toArray();
        System.arraycopy(w, 0, layer.parameters().get(0), 0, w.length);
        System.arraycopy(b, 0, layer.parameters().get(1), 0, b.length);
      }
    }
    return network;
  }

  /** The weights as the generated models bind them: {@code Name.weight}, {@code Name.bias}. */
  public static Map<String, FloatTensor> weights(Path file) throws IOException {
    Map<String, FloatTensor> weights = new LinkedHashMap<>();
    try (WeightSource source = WeightSource.open(file)) {
      for (String name : source.names()) {
        weights.put(name, source.get(name));
      }
    }
    return weights;
  }

  /** The layers in the order they run, a residual block's branch in place of the block. */
  static List<Layer> flattened(Network network) {
    List<Layer> all = new ArrayList<>();
    for (Layer layer : network.layers()) {
      if (layer instanceof Residual r) {
        all.addAll(r.branch());
      } else {
        all.add(layer);
      }
    }
    return all;
  }

  private static String name(Layer layer) {
    if (layer instanceof Convolution c) {
      return c.name();
    } else if (layer instanceof DepthwiseConvolution d) {
      return d.name();
    }
    return ((Linear) layer).name();
  }

  /** PyTorch's weight layout of a parameterized layer; null for a layer without parameters. */
  private static Shape weightShape(Layer layer) {
    if (layer instanceof Convolution c) {
      return Shape.of(c.filters(), c.channels(), c.kernel(), c.kernel());
    } else if (layer instanceof DepthwiseConvolution d) {
      return Shape.of(d.channels(), 1, d.kernel(), d.kernel());
    } else if (layer instanceof Linear l) {
      return Shape.of(l.outputSize(), l.inputSize());
    }
    return null;
  }
}
