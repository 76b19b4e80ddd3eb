package dev.quantgen.onnx;

import ai.onnx.proto.OnnxMl;
import dev.quantgen.training.network.Convolution;
import dev.quantgen.training.network.Layer;
import dev.quantgen.training.network.Linear;
import dev.quantgen.training.network.MaxPooling;
import dev.quantgen.training.network.Network;
import dev.quantgen.training.network.Relu;
import dev.quantgen.training.qat.ActivationQuant;
import java.util.Arrays;
import java.util.Locale;

/**
 * Writes a network trained with {@code dev.quantgen.training.network} as an FP32 ONNX model, so the
 * ONNX path (lowering, the FP32 and INT8 executors, the QDQ exporter, ONNX Runtime) runs what the
 * Java trainer produced: {@link Convolution} becomes {@code Conv} (weights {@code [M, C, k, k]},
 * bias, symmetric pads), {@link Relu} {@code Relu}, {@link MaxPooling} {@code MaxPool} (kernel and
 * stride = size), {@link Linear} {@code Gemm} with {@code transB = 1} (its {@code [out][in]} weight
 * as PyTorch exports it), preceded by a {@code Flatten} when the input is still spatial. Activation
 * fake-quantization boundaries ({@link ActivationQuant}) export as nothing: the model is the float
 * network, its quantization is chosen on the ONNX side. Initializers keep the layers' names ({@code
 * conv1.weight}, {@code fc1.bias}, ...), so generated sources bind to them.
 */
public final class NetworkExporter {
  private static final int OPSET = 13;

  private final GraphWriter graph;
  private int channels;
  private int height;
  private int width;
  private boolean spatial;
  private String current = "input";
  private int node;

  private NetworkExporter(String name, int channels, int height, int width) {
    this.graph = new GraphWriter(name);
    this.channels = channels;
    this.height = height;
    this.width = width;
    this.spatial = height > 1 || width > 1;
  }

  /**
   * The FP32 ONNX model of {@code network} for inputs {@code [N, channels, height, width]} (or
   * {@code [N, channels]} when height and width are 1), serialized.
   *
   * @throws IllegalArgumentException for a layer this exporter does not know, or sizes that do not
   *     chain
   */
  public static byte[] export(Network network, String name, int channels, int height, int width) {
    if ((long) channels * height * width != network.inputSize()) {
      throw new IllegalArgumentException(
          "input ["
              + channels
              + ", "
              + height
              + ", "
              + width
              + "] has "
              + (long) channels * height * width
              + " values, but the network takes "
              + network.inputSize());
    }
    return new NetworkExporter(name, channels, height, width).build(network);
  }

  private byte[] build(Network network) {
    graph.input("input", GraphWriter.FLOAT, shape());
    for (Layer layer : network.layers()) {
      if (layer instanceof Convolution c) {
        conv(c);
      } else if (layer instanceof Relu) {
        current = node("Relu", current).getOutput(0);
      } else if (layer instanceof MaxPooling p) {
        maxPool(p);
      } else if (layer instanceof Linear l) {
        gemm(l);
      } else if (!(layer instanceof ActivationQuant)) {
        throw new IllegalArgumentException(
            "layer "
                + layer.getClass().getSimpleName()
                + ": expected Convolution, Relu, MaxPooling, Linear or ActivationQuant");
      }
    }
    graph.output(current, GraphWriter.FLOAT, shape());
    return graph.toModel(OPSET);
  }

  private int[] shape() {
    return spatial ? new int[] {channels, height, width} : new int[] {channels};
  }

  private void conv(Convolution c) {
    if (!spatial || c.channels() != channels || c.height() != height || c.width() != width) {
      throw new IllegalArgumentException(
          "layer "
              + c.name()
              + ": expects ["
              + c.channels()
              + ", "
              + c.height()
              + ", "
              + c.width()
              + "], but the input is "
              + describe());
    }
    int k = c.kernel();
    int p = c.padding();
    graph.floats(c.name() + ".weight", c.weight(), c.filters(), c.channels(), k, k);
    graph.floats(c.name() + ".bias", c.bias(), c.filters());
    current =
        node("Conv", current, c.name() + ".weight", c.name() + ".bias")
            .addAttribute(GraphWriter.ints("kernel_shape", k, k))
            .addAttribute(GraphWriter.ints("pads", p, p, p, p))
            .addAttribute(GraphWriter.ints("strides", 1, 1))
            .getOutput(0);
    channels = c.filters();
    height = c.outHeight();
    width = c.outWidth();
  }

  private void maxPool(MaxPooling pool) {
    int s = pool.size();
    if (!spatial || (long) channels * height * width != pool.inputSize()) {
      throw new IllegalArgumentException(
          "max pooling of "
              + pool.inputSize()
              + " values after "
              + describe()
              + ": expected a spatial input of that size");
    }
    current =
        node("MaxPool", current)
            .addAttribute(GraphWriter.ints("kernel_shape", s, s))
            .addAttribute(GraphWriter.ints("strides", s, s))
            .getOutput(0);
    height /= s;
    width /= s;
  }

  private void gemm(Linear l) {
    if (spatial) {
      current = node("Flatten", current).addAttribute(GraphWriter.integer("axis", 1)).getOutput(0);
      channels = channels * height * width;
      height = 1;
      width = 1;
      spatial = false;
    }
    if (l.inputSize() != channels) {
      throw new IllegalArgumentException(
          "layer "
              + l.name()
              + ": expects "
              + l.inputSize()
              + " inputs, but the input is "
              + describe());
    }
    graph.floats(l.name() + ".weight", l.weight(), l.outputSize(), l.inputSize());
    graph.floats(l.name() + ".bias", l.bias(), l.outputSize());
    current =
        node("Gemm", current, l.name() + ".weight", l.name() + ".bias")
            .addAttribute(GraphWriter.integer("transB", 1))
            .getOutput(0);
    channels = l.outputSize();
  }

  private String describe() {
    return spatial ? "[" + channels + ", " + height + ", " + width + "]" : "[" + channels + "]";
  }

  /** A node named and with its one output named {@code <op>_<k>}. */
  private OnnxMl.NodeProto.Builder node(String op, String... inputs) {
    String id = op.toLowerCase(Locale.ROOT) + "_" + node++;
    String[] inputsThenOutput = Arrays.copyOf(inputs, inputs.length + 1);
    inputsThenOutput[inputs.length] = id;
    return graph.node(op, id, inputsThenOutput);
  }
}
