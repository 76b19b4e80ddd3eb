package dev.quantgen.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * 2-D Average pooling: each output is the mean of its window; padded cells are not counted (ONNX
 * {@code count_include_pad = 0}). Input {@code [channels, inHeight, inWidth]}; pairs hold one value
 * or {@code {height, width}}, as in {@link Conv2d}. Validated by the processor; its kernels come in
 * a later release.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface AvgPool2d {
  /** Channels; positive. */
  int channels();

  /** Input height; positive. */
  int inHeight();

  /** Input width; positive. */
  int inWidth();

  /** Window size: {@code {k}} or {@code {kh, kw}}; positive. */
  int[] kernel();

  /**
   * Stride: {@code {s}} or {@code {sh, sw}}; positive. Defaults to non-overlapping windows ({@code
   * 0} = the kernel size).
   */
  int[] stride() default 0;

  /**
   * Explicit padding on both sides: {@code {p}} or {@code {ph, pw}}; non-negative and below the
   * kernel size.
   */
  int[] padding() default 0;

  /** {@link Padding#SAME} computes the padding instead of {@link #padding()}. */
  Padding paddingMode() default Padding.EXPLICIT;
}
