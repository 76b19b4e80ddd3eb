package dev.quantgen.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A 2-D convolution over an NCHW input of {@code [inChannels, inHeight, inWidth]} with weights
 * {@code [outChannels, inChannels / groups, kernel[0], kernel[1]]} (ONNX Conv / PyTorch Conv2d).
 * Validated by the processor; its kernels come in a later release.
 *
 * <p>Pairs such as {@code kernel}, {@code stride}, {@code padding} and {@code dilation} hold one
 * value (used for height and width) or two ({@code {height, width}}). Output size per axis: {@code
 * floor((in + 2 * pad - dilation * (k - 1) - 1) / stride) + 1}.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface Conv2d {
  /** Input channels; positive and divisible by {@link #groups()}. */
  int inChannels();

  /** Output channels; positive and divisible by {@link #groups()}. */
  int outChannels();

  /** Input height; positive. */
  int inHeight();

  /** Input width; positive. */
  int inWidth();

  /** Kernel size: {@code {k}} or {@code {kh, kw}}; positive. */
  int[] kernel();

  /** Stride: {@code {s}} or {@code {sh, sw}}; positive. */
  int[] stride() default 1;

  /** Explicit zero padding on both sides: {@code {p}} or {@code {ph, pw}}; non-negative. */
  int[] padding() default 0;

  /** {@link Padding#SAME} computes the padding instead of {@link #padding()}. */
  Padding paddingMode() default Padding.EXPLICIT;

  /** Dilation: {@code {d}} or {@code {dh, dw}}; positive. */
  int[] dilation() default 1;

  /** Number of groups; positive. */
  int groups() default 1;

  /** Whether the layer adds a bias per output channel. */
  boolean bias() default true;

  /** The activation fused into the output. */
  Activation activation() default Activation.NONE;

  /**
   * With {@link Activation#CLIP}: the lower bound of {@code min(max(y, clipMin), clipMax)}; {@code
   * Float.NEGATIVE_INFINITY} leaves the layer unbounded below. Only with CLIP (NaN: not given).
   */
  float clipMin() default Float.NaN;

  /**
   * With {@link Activation#CLIP}: the upper bound, above {@link #clipMin}; {@code
   * Float.POSITIVE_INFINITY} leaves the layer unbounded above. Only with CLIP (NaN: not given).
   */
  float clipMax() default Float.NaN;
}
