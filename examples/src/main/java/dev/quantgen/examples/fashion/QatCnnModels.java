package dev.quantgen.examples.fashion;

import dev.quantgen.onnx.GraphLowering;
import dev.quantgen.onnx.Int8Executor;
import dev.quantgen.onnx.LoweredModel;
import dev.quantgen.onnx.NetworkExporter;
import dev.quantgen.onnx.OnnxFormatException;
import dev.quantgen.onnx.OnnxModel;
import dev.quantgen.quantize.weights.NpyWriter;
import dev.quantgen.quantize.weights.WeightSource;
import dev.quantgen.runtime.numerics.Activation;
import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.QuantParams;
import dev.quantgen.runtime.numerics.QuantType;
import dev.quantgen.runtime.numerics.RequantMode;
import dev.quantgen.runtime.numerics.Shape;
import dev.quantgen.training.network.Convolution;
import dev.quantgen.training.network.Layer;
import dev.quantgen.training.network.Linear;
import dev.quantgen.training.network.Network;
import dev.quantgen.training.network.Relu;
import dev.quantgen.training.qat.ActivationQuant;
import dev.quantgen.training.qat.BinaryWeights;
import dev.quantgen.training.qat.Int32Bias;
import dev.quantgen.training.qat.IntegerConvForward;
import dev.quantgen.training.qat.PerChannelWeightQuant;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The quantization-aware variants of the {@link FashionCnn}, their weight files and the integer
 * model of the INT4 variant.
 *
 * <ul>
 *   <li>{@link Variant#INT4}: INT4 per-channel weights in all four weighted layers, int8
 *       activations at every boundary (the input, each ReLU output, the logits). In evaluation each
 *       layer runs the reference integer convolution ({@link IntegerConvForward}), so the evaluated
 *       network predicts what its integer model ({@link #integerModel}) predicts.
 *   <li>{@link Variant#BINARY}: binary weights (sign and per-channel mean|w|) in all four layers,
 *       float activations with ReLU.
 * </ul>
 */
public final class QatCnnModels {
  /** Which layers are quantized how. */
  public enum Variant {
    INT4,
    BINARY;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private QatCnnModels() {}

  /** The variant's fake-quant network, its float parameters copied from {@code fp32}. */
  public static Network of(Variant variant, Network fp32) {
    return variant == Variant.INT4 ? int4(fp32, QatCnnModels::trainedBoundary) : binary(fp32);
  }

  /** A boundary whose range training observes; the input's range is the pixels' [0, 1]. */
  private static ActivationQuant trainedBoundary(int index, int size) {
    return index == 0
        ? ActivationQuant.fixedRange(size, 0f, 1f)
        : ActivationQuant.movingAverage(size);
  }

  /**
   * The INT4 network with boundary {@code k} (0 = the input) made by {@code boundary.apply(k,
   * size)}.
   */
  private static Network int4(Network fp32, BoundaryFactory boundary) {
    List<Layer> source = fp32.layers();
    List<Layer> layers = new ArrayList<>();
    ActivationQuant in = boundary.make(0, fp32.inputSize());
    layers.add(in);
    int boundaries = 1;
    for (int k = 0; k < source.size(); k++) {
      Layer layer = source.get(k);
      boolean relu = k + 1 < source.size() && source.get(k + 1) instanceof Relu;
      if (!(layer instanceof Convolution) && !(layer instanceof Linear)) {
        layers.add(layer);
        continue;
      }
      PerChannelWeightQuant q = PerChannelWeightQuant.nearest(QuantType.INT4);
      ActivationQuant out = boundary.make(boundaries++, layer.outputSize());
      Activation act = relu ? Activation.RELU : Activation.NONE;
      if (layer instanceof Convolution c) {
        layers.add(
            c.withTransform(q)
                .withBiasTransform(new Int32Bias(in, q))
                .withEvaluationKernel(
                    IntegerConvForward.convolution(
                        in,
                        q,
                        out,
                        act,
                        c.channels(),
                        c.height(),
                        c.width(),
                        c.kernel(),
                        c.padding())));
      } else {
        Linear l = (Linear) layer;
        layers.add(
            l.withTransform(q)
                .withBiasTransform(new Int32Bias(in, q))
                .withEvaluationKernel(IntegerConvForward.dense(in, q, out, act, l.inputSize())));
      }
      if (relu) {
        layers.add(source.get(++k));
      }
      layers.add(out);
      in = out;
    }
    return Network.of(layers);
  }

  private static Network binary(Network fp32) {
    List<Layer> layers = new ArrayList<>();
    for (Layer layer : fp32.layers()) {
      if (layer instanceof Convolution c) {
        layers.add(c.withTransform(new BinaryWeights()));
      } else if (layer instanceof Linear l) {
        layers.add(l.withTransform(new BinaryWeights()));
      } else {
        layers.add(layer);
      }
    }
    return Network.of(layers);
  }

  /**
   * The integer model of a trained INT4 network: the float network exported to ONNX, lowered, and
   * quantized with the network's own boundaries as activation parameters, INT4 weights and
   * integer-only requantization, which builds every layer exactly as evaluation does.
   */
  public static Int8Executor integerModel(Network int4) {
    List<ActivationQuant> boundaries =
        int4.layers().stream()
            .filter(ActivationQuant.class::isInstance)
            .map(ActivationQuant.class::cast)
            .toList();
    List<QuantParams> outputs =
        boundaries.subList(1, boundaries.size()).stream().map(IntegerConvForward::int8).toList();
    return Int8Executor.withRanges(
        lowered(int4),
        IntegerConvForward.int8(boundaries.get(0)),
        outputs,
        RequantMode.INTEGER,
        QuantType.INT4);
  }

  /** The float network as the ONNX path sees it. */
  public static LoweredModel lowered(Network network) {
    byte[] onnx = NetworkExporter.export(network, "fashion-cnn", 1, 28, 28);
    try {
      return GraphLowering.lower(OnnxModel.parse(onnx, "fashion-cnn.onnx"));
    } catch (OnnxFormatException e) {
      throw new IllegalStateException("the exporter wrote a model its own reader rejects", e);
    }
  }

  /**
   * Saves the float parameters under PyTorch names and each boundary range as {@code act<k>.range}.
   */
  public static void save(Network network, Path file) throws IOException {
    Map<String, FloatTensor> tensors = new LinkedHashMap<>(FashionCnn.parameters(network));
    int boundary = 0;
    for (Layer layer : network.layers()) {
      if (layer instanceof ActivationQuant q) {
        tensors.put("act" + boundary++ + ".range", FloatTensor.of(Shape.of(2), q.range()));
      }
    }
    NpyWriter.writeNpz(file, tensors, true);
  }

  /** The network {@link #save} wrote, ready for evaluation (boundary ranges fixed). */
  public static Network load(Variant variant, Path file) throws IOException {
    Network fp32 = FashionCnn.load(file);
    if (variant == Variant.BINARY) {
      return binary(fp32);
    }
    long weighted =
        fp32.layers().stream().filter(l -> l instanceof Convolution || l instanceof Linear).count();
    List<float[]> ranges = new ArrayList<>();
    try (WeightSource source = WeightSource.open(file)) {
      for (int k = 0; k <= weighted; k++) {
        ranges.add(source.get("act" + k, "act" + k + ".range", Shape.of(2)).toArray());
      }
    }
    return int4(
        fp32,
        (index, size) ->
            ActivationQuant.fixedRange(size, ranges.get(index)[0], ranges.get(index)[1]));
  }

  /** Makes boundary {@code index} (0 = the network input) of {@code size} values. */
  @FunctionalInterface
  private interface BoundaryFactory {
    ActivationQuant make(int index, int size);
  }
}
