package dev.quantgen.processor.model;

import dev.quantgen.annotations.Activations;
import java.util.List;

/**
 * A validated {@code @Conv2d}, {@code @MaxPool2d}, {@code @AvgPool2d} or {@code @Flatten} layer
 * with every size resolved at compile time: SAME padding is turned into explicit pads (ONNX {@code
 * SAME_UPPER}), pooling's default stride into the kernel size, so kernels see constants only.
 * Shapes are per sample, {@code [channels, height, width]}. Plain data, no javac elements.
 *
 * @param requested the {@code @Quantize} variants that have a convolution kernel, in source order
 *     (convolutions only; one per precision)
 * @param from an {@code @Add} or {@code @Concat} layer's second input: the qualified name of an
 *     earlier layer, or {@code Model.Input}'s for the model's input; empty for other layers
 * @param fromChannels the channels of {@code from} ({@code @Concat}; for {@code @Add} the same as
 *     {@code inChannels}); 0 for other layers
 */
public record SpatialSpec(
    Kind kind,
    String packageName,
    String baseName,
    String qualifiedName,
    boolean isPublic,
    int inChannels,
    int inHeight,
    int inWidth,
    int outChannels,
    int outHeight,
    int outWidth,
    Window window,
    int groups,
    boolean bias,
    FusedActivation activation,
    List<VariantSpec> requested,
    String from,
    int fromChannels)
    implements ModelLayer {

  /** Which layer annotation. */
  public enum Kind {
    CONV,
    MAX_POOL,
    AVG_POOL,
    FLATTEN,
    /** {@code @GlobalAvgPool2d}: {@code [C, H, W]} to {@code [C, 1, 1]}. */
    GLOBAL_AVG_POOL,
    /** {@code @Softmax}: a vector of {@code inChannels} values ({@code H = W = 1}). */
    SOFTMAX,
    /** {@code @Add}: the previous output plus {@code from}'s. */
    ADD,
    /** {@code @Concat}: the previous output's channels, then {@code from}'s. */
    CONCAT
  }

  /** A resolved window: kernel, stride, dilation, and the pads before the first row and column. */
  public record Window(
      int kernelHeight,
      int kernelWidth,
      int strideHeight,
      int strideWidth,
      int dilationHeight,
      int dilationWidth,
      int padTop,
      int padLeft,
      int padBottom,
      int padRight) {}

  public SpatialSpec {
    requested = List.copyOf(requested);
  }

  /**
   * Whether this layer reads a second input, {@link #from()} ({@code @Add} and {@code @Concat}).
   */
  public boolean joins() {
    return kind == Kind.ADD || kind == Kind.CONCAT;
  }

  /** Input values per sample. */
  public int inSize() {
    return inChannels * inHeight * inWidth;
  }

  /** Output values per sample. */
  public int outSize() {
    return outChannels * outHeight * outWidth;
  }

  /**
   * The variant a model runs by default: the first {@code @Quantize} that has a kernel, else the
   * FP32 baseline (pooling and flatten have no variants).
   */
  public VariantSpec defaultVariant() {
    return requested.isEmpty() ? VariantSpec.FP32_BASELINE : requested.get(0);
  }

  /**
   * Whether the default variant keeps int8 activations between layers: a static INT8 or INT4
   * convolution (int8 activations, int32 accumulators, requantized to int8).
   */
  public boolean defaultsToStaticInteger() {
    VariantSpec v = defaultVariant();
    return kind == Kind.CONV && v.integerAccumulator() && v.activations() == Activations.STATIC;
  }

  /**
   * The simple name of a generated class: {@code <Layer>_Fp32}, {@code <Layer>_Int4} (the variant's
   * suffix) or {@code <Layer>_Pool}.
   */
  public String className(String suffix) {
    return baseName + "_" + suffix;
  }

  /** The layer's simple (innermost) name. */
  @Override
  public String simpleName() {
    int dot = qualifiedName.lastIndexOf('.');
    return qualifiedName.substring(dot + 1);
  }
}
