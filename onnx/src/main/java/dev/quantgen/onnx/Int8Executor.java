package dev.quantgen.onnx;

import dev.quantgen.runtime.conv.AvgPool2d;
import dev.quantgen.runtime.conv.Flatten;
import dev.quantgen.runtime.conv.GraphOps;
import dev.quantgen.runtime.conv.MaxPool2d;
import dev.quantgen.runtime.conv.QuantizedConv2d;
import dev.quantgen.runtime.conv.Window2d;
import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.IntTensor;
import dev.quantgen.runtime.numerics.QuantParams;
import dev.quantgen.runtime.numerics.QuantType;
import dev.quantgen.runtime.numerics.RangeQuantizer;
import dev.quantgen.runtime.numerics.RequantMode;
import dev.quantgen.runtime.numerics.Shape;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Runs a {@link LoweredModel} with static INT8 post-training quantization: per-channel symmetric
 * int8 weights (or int4 weights on [-7, 7], see {@link #calibrate(LoweredModel, FloatTensor, int,
 * RequantMode, QuantType)}), asymmetric int8 activations per tensor whose ranges come from a
 * min/max pass of the FP32 model over calibration data
 * (docs/numerics.md#2-scale-and-zero-point-from-a-range and docs/numerics.md#7-calibration).
 *
 * <p>The input is quantized once; each Conv and dense layer then runs {@link QuantizedConv2d} from
 * int8 to int8, max pooling and flatten pass int8 values through unchanged (max commutes with the
 * monotone quantization, so they keep their input's parameters), and average pooling dequantizes,
 * pools in float32 and quantizes to its own calibrated range, as do softmax and the joins (Add and
 * Concat of two activations: QLinearAdd / QLinearConcat, each input dequantized with its own
 * parameters). The last layer's int8 output is dequantized to float32. Immutable and thread-safe.
 */
public final class Int8Executor {
  private final LoweredModel model;
  private final QuantParams input;
  private final QuantParams output;
  private final List<UnaryOperator<IntTensor>> steps;

  /**
   * The Add and Concat layers by index: (the chain's value, the earlier output) to the joined
   * value.
   */
  private final java.util.Map<Integer, java.util.function.BinaryOperator<IntTensor>> joins;

  private final RequantMode mode;
  private final QuantizedConv2d[] quantizedLayers; // per layer; null for pooling and flatten
  private final QuantParams[] layerOutputs; // the int8 parameters after each layer

  private Int8Executor(
      LoweredModel model,
      QuantParams input,
      QuantParams output,
      List<UnaryOperator<IntTensor>> steps,
      java.util.Map<Integer, java.util.function.BinaryOperator<IntTensor>> joins,
      RequantMode mode,
      QuantizedConv2d[] quantizedLayers,
      QuantParams[] layerOutputs) {
    this.model = model;
    this.input = input;
    this.output = output;
    this.steps = new ArrayList<>(steps); // null at joins
    this.joins = java.util.Map.copyOf(joins);
    this.mode = mode;
    this.quantizedLayers = quantizedLayers;
    this.layerOutputs = layerOutputs;
  }

  /**
   * Calibrates activation ranges by running the FP32 model on {@code calibration} (min/max per
   * tensor) and quantizes every layer.
   *
   * @param calibration {@code [N, ...model input shape]}, N >= 1, finite
   * @param batchSize how many samples the FP32 pass runs at once (bounds the memory it needs)
   */
  public static Int8Executor calibrate(
      LoweredModel model, FloatTensor calibration, int batchSize, RequantMode mode) {
    return calibrate(model, calibration, batchSize, mode, QuantType.INT8);
  }

  /**
   * As {@link #calibrate(LoweredModel, FloatTensor, int, RequantMode)}, with the Conv and dense
   * weights quantized to {@code weightType}: INT8 ([-127, 127]) or INT4 ([-7, 7], int4 weights with
   * int8 activations); activations stay int8 either way.
   *
   * @throws IllegalArgumentException also for a {@code weightType} other than INT8 or INT4
   */
  public static Int8Executor calibrate(
      LoweredModel model,
      FloatTensor calibration,
      int batchSize,
      RequantMode mode,
      QuantType weightType) {
    Batches.requireInput(model, calibration.shape());
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize: expected a value >= 1, got " + batchSize);
    }
    FloatExecutor fp32 = new FloatExecutor(model);
    int layers = model.layers().size();
    float[] lo = new float[layers + 1];
    float[] hi = new float[layers + 1];
    java.util.Arrays.fill(lo, Float.POSITIVE_INFINITY);
    java.util.Arrays.fill(hi, Float.NEGATIVE_INFINITY);
    int n = calibration.shape().dim(0);
    for (int start = 0; start < n; start += batchSize) {
      FloatTensor batch = slice(calibration, start, Math.min(n, start + batchSize));
      observe(batch, 0, lo, hi);
      List<FloatTensor> outs = fp32.runAll(batch);
      for (int i = 0; i < layers; i++) {
        observe(outs.get(i), i + 1, lo, hi);
      }
    }
    List<QuantParams> outputs = new ArrayList<>();
    for (int i = 0; i < layers; i++) {
      if (requantizes(model.layers().get(i))) {
        outputs.add(RangeQuantizer.asymmetric(lo[i + 1], hi[i + 1], QuantType.INT8));
      }
    }
    return withRanges(
        model, RangeQuantizer.asymmetric(lo[0], hi[0], QuantType.INT8), outputs, mode, weightType);
  }

  /**
   * Quantizes every layer with activation parameters fixed in advance, for example the ranges a
   * quantization-aware training learned: {@code input} for the model input and one entry of {@code
   * outputs} for each Conv, dense and average-pooling layer in order (max pooling and flatten keep
   * their input's parameters).
   *
   * @throws IllegalArgumentException if {@code outputs} does not have one per-tensor int8 entry per
   *     such layer, or {@code weightType} is neither INT8 nor INT4
   */
  public static Int8Executor withRanges(
      LoweredModel model,
      QuantParams input,
      List<QuantParams> outputs,
      RequantMode mode,
      QuantType weightType) {
    if (weightType != QuantType.INT8 && weightType != QuantType.INT4) {
      throw new IllegalArgumentException("weightType: expected INT8 or INT4, got " + weightType);
    }
    long expected = model.layers().stream().filter(Int8Executor::requantizes).count();
    if (outputs.size() != expected) {
      throw new IllegalArgumentException(
          "outputs: "
              + outputs.size()
              + " activation parameters, expected "
              + expected
              + " (one per Conv, dense and average-pooling layer of "
              + model.source()
              + ")");
    }
    int layers = model.layers().size();
    Iterator<QuantParams> ranges = outputs.iterator();
    QuantParams in = input;
    List<UnaryOperator<IntTensor>> steps = new ArrayList<>();
    QuantizedConv2d[] quantizedLayers = new QuantizedConv2d[layers];
    QuantParams[] layerOutputs = new QuantParams[layers];
    java.util.Map<Integer, java.util.function.BinaryOperator<IntTensor>> joins =
        new java.util.HashMap<>();
    QuantParams at = in;
    for (int i = 0; i < layers; i++) {
      LoweredLayer layer = model.layers().get(i);
      QuantParams range = requantizes(layer) ? ranges.next() : at;
      QuantParams from = at;
      if (layer instanceof ConvSpec c) {
        QuantizedConv2d q =
            QuantizedConv2d.quantize(
                c.weights(),
                c.bias(),
                c.window(),
                c.groups(),
                c.activation(),
                from,
                range,
                mode,
                weightType);
        steps.add(q::apply);
        quantizedLayers[i] = q;
        at = range;
      } else if (layer instanceof DenseSpec d) {
        QuantizedConv2d q =
            QuantizedConv2d.quantize(
                FloatTensor.of(Shape.of(d.out(), d.in(), 1, 1), d.weights().toArray()),
                d.bias(),
                Window2d.of(1, 1),
                1,
                d.activation(),
                from,
                range,
                mode,
                weightType);
        steps.add(
            x ->
                reshape(
                    q.apply(reshape(x, Shape.of(x.shape().dim(0), d.in(), 1, 1))),
                    Shape.of(x.shape().dim(0), d.out())));
        quantizedLayers[i] = q;
        at = range;
      } else if (layer instanceof PoolSpec p && p.kind() == PoolSpec.Kind.MAX) {
        steps.add(new MaxPool2d(p.window())::apply);
      } else if (layer instanceof PoolSpec p) {
        AvgPool2d pool = new AvgPool2d(p.window(), p.countIncludePad());
        steps.add(x -> range.quantize(pool.apply(from.dequantize(x))));
        at = range;
      } else if (layer instanceof SoftmaxSpec) {
        steps.add(
            x ->
                range.quantize(
                    FloatExecutor.perSample(
                        from.dequantize(x),
                        from.dequantize(x),
                        (a, b, y) -> GraphOps.softmax(a, y),
                        x.shape())));
        at = range;
      } else if (layer instanceof JoinSpec j) {
        // QLinearAdd / QLinearConcat: each input dequantized with its own parameters, joined in
        // float32, quantized
        QuantParams other = j.from() < 0 ? in : layerOutputs[j.from()];
        steps.add(null);
        joins.put(
            i,
            (x, z) ->
                range.quantize(FloatExecutor.join(j, from.dequantize(x), other.dequantize(z))));
        at = range;
      } else {
        steps.add(Flatten::apply);
      }
      layerOutputs[i] = at;
    }
    return new Int8Executor(model, in, at, steps, joins, mode, quantizedLayers, layerOutputs);
  }

  /**
   * Whether a layer writes int8 values with parameters of its own (the others pass codes through).
   */
  private static boolean requantizes(LoweredLayer layer) {
    return layer instanceof ConvSpec
        || layer instanceof DenseSpec
        || layer instanceof JoinSpec
        || layer instanceof SoftmaxSpec
        || layer instanceof PoolSpec p && p.kind() == PoolSpec.Kind.AVERAGE;
  }

  private static void observe(FloatTensor t, int slot, float[] lo, float[] hi) {
    for (int i = 0; i < t.size(); i++) {
      float v = t.get(i);
      if (Float.isNaN(v)) {
        throw new IllegalArgumentException(
            "calibration: NaN "
                + (slot == 0 ? "in the input" : "in the output of layer " + (slot - 1))
                + ", expected finite activations");
      }
      lo[slot] = Math.min(lo[slot], v);
      hi[slot] = Math.max(hi[slot], v);
    }
  }

  /** Samples {@code [from, to)} of a batch. */
  static FloatTensor slice(FloatTensor batch, int from, int to) {
    int[] dims = batch.shape().dims();
    int per = batch.size() / dims[0];
    float[] v = new float[(to - from) * per];
    for (int i = 0; i < v.length; i++) {
      v[i] = batch.get(from * per + i);
    }
    dims[0] = to - from;
    return FloatTensor.of(Shape.of(dims), v);
  }

  private static IntTensor reshape(IntTensor x, Shape shape) {
    return IntTensor.of(shape, x.type(), x.toArray());
  }

  /** The int8 parameters of the model input. */
  public QuantParams inputParams() {
    return input;
  }

  /** The model this executor runs. */
  public LoweredModel model() {
    return model;
  }

  /** How the Conv and dense layers requantize. */
  public RequantMode requantMode() {
    return mode;
  }

  /**
   * The quantized Conv or dense layer {@code i} (a dense layer as a 1x1 convolution over {@code [N,
   * in, 1, 1]}), or null for pooling and flatten.
   */
  QuantizedConv2d quantizedLayer(int i) {
    return quantizedLayers[i];
  }

  /** The int8 parameters of layer {@code i}'s output. */
  QuantParams layerOutputParams(int i) {
    return layerOutputs[i];
  }

  /** The int8 parameters of the model output (before dequantization). */
  public QuantParams outputParams() {
    return output;
  }

  /** Runs a float batch through the int8 layers; returns the int8 output of the last layer. */
  public IntTensor runQuantized(FloatTensor batch) {
    Batches.requireInput(model, batch.shape());
    IntTensor q = input.quantize(batch);
    IntTensor x = q;
    List<IntTensor> outputs = new ArrayList<>(steps.size());
    for (int i = 0; i < steps.size(); i++) {
      JoinSpec j = model.layers().get(i) instanceof JoinSpec s ? s : null;
      x =
          j == null
              ? steps.get(i).apply(x)
              : joins.get(i).apply(x, j.from() < 0 ? q : outputs.get(j.from()));
      outputs.add(x);
    }
    return x;
  }

  /** Runs a float batch and dequantizes the output: {@code [N, ...model output shape]} float32. */
  public FloatTensor run(FloatTensor batch) {
    return output.dequantize(runQuantized(batch));
  }
}
