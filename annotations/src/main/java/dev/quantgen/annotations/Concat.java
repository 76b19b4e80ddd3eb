package dev.quantgen.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Channel concatenation (ONNX {@code Concat} on axis 1): the output of the layer before this one in
 * its {@link Model}, {@code [channels[0], height, width]}, followed by the output of an earlier
 * layer, {@link #from()}, {@code [channels[1], height, width]}; the result is {@code [channels[0] +
 * channels[1], height, width]}. In a static int8 model both parts are requantized to the output's
 * calibrated parameters ({@code QLinearConcat}: {@code y = saturate(rint(s * (q - z) / sy) + zy)},
 * in float32).
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface Concat {
  /** {@code {previous layer's channels, from's channels}}; two positive values. */
  int[] channels();

  /** Height; positive. */
  int height();

  /** Width; positive. */
  int width();

  /**
   * The earlier layer whose output goes second, or {@link Model.Input Model.Input.class} for the
   * model's input.
   */
  Class<?> from();
}
