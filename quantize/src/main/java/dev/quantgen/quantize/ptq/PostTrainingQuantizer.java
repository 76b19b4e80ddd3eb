package dev.quantgen.quantize.ptq;

import dev.quantgen.quantize.calibrate.ObserverSpec;
import dev.quantgen.quantize.calibrate.Progress;
import dev.quantgen.quantize.calibrate.Range;
import dev.quantgen.quantize.calibrate.TensorObserver;
import dev.quantgen.runtime.layer.ActivationParams;
import dev.quantgen.runtime.layer.BinaryDenseParams;
import dev.quantgen.runtime.layer.DenseLayer;
import dev.quantgen.runtime.layer.DenseWeights;
import dev.quantgen.runtime.layer.Fp16DenseParams;
import dev.quantgen.runtime.layer.GeneratedKernels;
import dev.quantgen.runtime.layer.QuantizedDenseConfig;
import dev.quantgen.runtime.layer.QuantizedDenseParams;
import dev.quantgen.runtime.model.KernelMismatchException;
import dev.quantgen.runtime.model.KernelPolicy;
import dev.quantgen.runtime.model.PreparedLayer;
import dev.quantgen.runtime.model.QuantizedModel;
import dev.quantgen.runtime.numerics.QuantParams;
import dev.quantgen.runtime.numerics.QuantType;
import dev.quantgen.runtime.numerics.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Post-training quantization of a dense model (issue 4): runs the FP32 model on calibration
 * samples, observes every activation boundary a STATIC layer needs, derives its int8 parameters,
 * and prepares every layer at its precision. The result is deterministic: it depends only on the
 * weights, the configuration and the samples in their order.
 *
 * <pre>{@code
 * QuantizedModel int8 = PostTrainingQuantizer.quantize(fp32, PtqConfig.of(Precision.INT8), samples, count,
 *     FashionMlp_Model.kernels()); // the kernels javac generated for the annotated model
 * }</pre>
 *
 * <p>Calibration samples should come from the training set (a few hundred suffice for min/max);
 * they are fed to the observers in batches of {@link PtqConfig#batchSize()}. A STATIC layer's
 * output boundary is the next STATIC layer's input boundary: both get the same parameters, so the
 * chain stays in int8 between them.
 */
public final class PostTrainingQuantizer {
  private PostTrainingQuantizer() {}

  /**
   * Quantizes {@code model} with {@code count} calibration samples stored row-major in {@code
   * samples}.
   *
   * @throws IllegalArgumentException if {@code samples.length != count * model.inputSize()}, a
   *     STATIC layer needs calibration but {@code count == 0}, a sample holds NaN or an infinity, a
   *     configuration override names no layer or boundary of the model, or a layer cannot be
   *     prepared (the message names the layer)
   */
  public static QuantizedModel quantize(
      FloatModel model, PtqConfig config, float[] samples, int count) {
    return quantize(model, config, samples, count, null);
  }

  /**
   * As {@link #quantize(FloatModel, PtqConfig, float[], int)}, running every layer on its generated
   * kernel in {@code kernels} (see {@link QuantizedModel#of(List, GeneratedKernels)}); calibration
   * itself always runs the FP32 runtime kernels, so the prepared parameters do not depend on {@code
   * kernels}.
   *
   * @throws KernelMismatchException if a layer's configuration matches none of its generated
   *     variants (another shape, fused activation, precision or scheme than its annotations
   *     declare): the message names the layer, what the generated kernel expects and what the model
   *     has; {@link #quantize(FloatModel, PtqConfig, float[], int, GeneratedKernels, KernelPolicy)}
   *     with {@link KernelPolicy#ALLOW_RUNTIME_KERNELS} runs such layers on the runtime's kernels
   * @throws IllegalArgumentException as above, or if {@code kernels} were generated for a model
   *     with another number of layers
   */
  public static QuantizedModel quantize(
      FloatModel model, PtqConfig config, float[] samples, int count, GeneratedKernels kernels) {
    return quantize(model, config, samples, count, kernels, KernelPolicy.GENERATED_ONLY);
  }

  /**
   * As {@link #quantize(FloatModel, PtqConfig, float[], int, GeneratedKernels)}, with {@code
   * policy} deciding what a layer without a matching generated kernel does (fail, or run on the
   * runtime's kernel).
   *
   * @throws KernelMismatchException under {@link KernelPolicy#GENERATED_ONLY}, as above
   */
  public static QuantizedModel quantize(
      FloatModel model,
      PtqConfig config,
      float[] samples,
      int count,
      GeneratedKernels kernels,
      KernelPolicy policy) {
    Objects.requireNonNull(policy, "policy");
    checkOverrides(model, config);
    int n = model.size();
    List<LayerQuantization> plan = new ArrayList<>();
    boolean[] observed = new boolean[n + 1];
    for (int k = 0; k < n; k++) {
      LayerQuantization q = config.layer(model.layer(k).name());
      plan.add(q);
      if (q.isStatic()) {
        observed[k] = true;
        observed[k + 1] = true;
      }
    }
    if (count < 0 || (long) count * model.inputSize() != samples.length) {
      throw new IllegalArgumentException(
          "samples: expected count * inputSize = "
              + count
              + " * "
              + model.inputSize()
              + " = "
              + ((long) count * model.inputSize())
              + " values, got "
              + samples.length);
    }
    ActivationParams[] boundaries = new ActivationParams[n + 1];
    if (contains(observed)) {
      if (count == 0) {
        throw new IllegalArgumentException(
            "count: expected calibration samples for the STATIC layers, got 0");
      }
      boundaries = calibrate(model, config, observed, samples, count);
    }
    List<PreparedLayer> layers = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      layers.add(prepare(model.layer(k), plan.get(k), boundaries[k], boundaries[k + 1]));
    }
    return QuantizedModel.of(layers, kernels, policy);
  }

  /** As {@link #quantize(FloatModel, PtqConfig, float[], int)} with one array per sample. */
  public static QuantizedModel quantize(FloatModel model, PtqConfig config, float[][] samples) {
    int size = model.inputSize();
    float[] flat = new float[samples.length * size];
    for (int s = 0; s < samples.length; s++) {
      if (samples[s].length != size) {
        throw new IllegalArgumentException(
            "samples[" + s + "]: expected length " + size + ", got " + samples[s].length);
      }
      System.arraycopy(samples[s], 0, flat, s * size, size);
    }
    return quantize(model, config, flat, samples.length);
  }

  /** Prepares one layer from its FP32 weights; STATIC layers need both boundaries' parameters. */
  static PreparedLayer prepare(
      FloatLayer layer, LayerQuantization q, ActivationParams input, ActivationParams output) {
    DenseWeights w = layer.weights();
    try {
      switch (q.precision()) {
        case FP32:
          return new PreparedLayer.Fp32(layer.name(), w, layer.activation());
        case FP16:
          return new PreparedLayer.Fp16(
              layer.name(), Fp16DenseParams.prepare(w, layer.activation()));
        case BINARY:
          return new PreparedLayer.Binary(
              layer.name(),
              BinaryDenseParams.prepare(w, q.perChannel(), q.mode(), layer.activation()));
        default:
          QuantizedDenseConfig config = q.quantizedConfig(layer.activation());
          DenseWeights clipped = WeightClipping.clip(w, config, q.weightObserver());
          return new PreparedLayer.Quantized(
              layer.name(),
              QuantizedDenseParams.prepare(layer.name(), clipped, config, input, output));
      }
    } catch (IllegalArgumentException e) {
      if (e.getMessage() != null && e.getMessage().contains(layer.name())) {
        throw e;
      }
      throw new IllegalArgumentException(
          "layer " + layer.name() + " (" + q.label() + "): " + e.getMessage(), e);
    }
  }

  private static ActivationParams[] calibrate(
      FloatModel model, PtqConfig config, boolean[] observed, float[] samples, int count) {
    int n = model.size();
    int[] sizes = new int[n + 1];
    sizes[0] = model.inputSize();
    DenseLayer[] fp32 = new DenseLayer[n];
    TensorObserver[] observers = new TensorObserver[n + 1];
    for (int k = 0; k < n; k++) {
      FloatLayer layer = model.layer(k);
      fp32[k] = new PreparedLayer.Fp32(layer.name(), layer.weights(), layer.activation()).kernel();
      sizes[k + 1] = layer.weights().out();
    }
    for (int b = 0; b <= n; b++) {
      if (observed[b]) {
        observers[b] = config.activationObserver(boundaryName(model, b)).newObserver();
      }
    }
    int batch = Math.min(config.batchSize(), count);
    float[][] buffers = new float[n + 1][];
    float[][] single = new float[n + 1][];
    for (int b = 0; b <= n; b++) {
      buffers[b] = new float[batch * sizes[b]];
      single[b] = new float[sizes[b]];
    }
    Progress progress =
        config.progress() == null ? null : Progress.start("calibrate", count, config.progress());
    try {
      for (int start = 0; start < count; start += batch) {
        int m = Math.min(batch, count - start);
        for (int s = 0; s < m; s++) {
          System.arraycopy(samples, (start + s) * sizes[0], single[0], 0, sizes[0]);
          System.arraycopy(single[0], 0, buffers[0], s * sizes[0], sizes[0]);
          for (int k = 0; k < n; k++) {
            fp32[k].forward(single[k], single[k + 1]);
            System.arraycopy(single[k + 1], 0, buffers[k + 1], s * sizes[k + 1], sizes[k + 1]);
          }
        }
        for (int b = 0; b <= n; b++) {
          if (observers[b] != null) {
            try {
              observers[b].observe(buffers[b], 0, Shape.of(m, sizes[b]));
            } catch (IllegalArgumentException e) {
              throw new IllegalArgumentException(
                  "calibration samples "
                      + start
                      + ".."
                      + (start + m - 1)
                      + ", boundary "
                      + boundaryName(model, b)
                      + ": "
                      + e.getMessage(),
                  e);
            }
          }
        }
        if (progress != null) {
          progress.advance(m);
        }
      }
    } finally {
      if (progress != null) {
        progress.close();
      }
    }
    ActivationParams[] params = new ActivationParams[n + 1];
    for (int b = 0; b <= n; b++) {
      if (observers[b] != null) {
        ObserverSpec spec = config.activationObserver(boundaryName(model, b));
        Range range = observers[b].ranges().get(0);
        QuantParams q = range.quantParams(QuantType.INT8, spec.scheme());
        params[b] = new ActivationParams(q.scales().get(0), q.zeroPoints().get(0));
      }
    }
    return params;
  }

  /** {@link PtqConfig#INPUT} for boundary 0, else the name of the layer whose output it is. */
  static String boundaryName(FloatModel model, int boundary) {
    return boundary == 0 ? PtqConfig.INPUT : model.layer(boundary - 1).name();
  }

  private static void checkOverrides(FloatModel model, PtqConfig config) {
    Set<String> names =
        model.layers().stream()
            .map(FloatLayer::name)
            .collect(Collectors.toCollection(java.util.LinkedHashSet::new));
    for (String name : config.overriddenLayers()) {
      if (!names.contains(name)) {
        throw new IllegalArgumentException(
            "layer override '" + name + "': expected one of " + names);
      }
    }
    names.add(PtqConfig.INPUT);
    for (String name : config.overriddenBoundaries()) {
      if (!names.contains(name)) {
        throw new IllegalArgumentException(
            "activation observer override '" + name + "': expected one of " + names);
      }
    }
  }

  private static boolean contains(boolean[] flags) {
    for (boolean f : flags) {
      if (f) {
        return true;
      }
    }
    return false;
  }
}
