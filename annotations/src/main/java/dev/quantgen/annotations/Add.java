package dev.quantgen.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A residual connection: the element-wise sum of the layer before this one in its {@link Model} and
 * the output of an earlier layer, {@link #from()} (the block's input). Both are {@code [channels,
 * height, width]}; so is the sum. In a static int8 model the sum is requantized to its own
 * calibrated parameters with the semantics of ONNX {@code com.microsoft.QLinearAdd}: {@code y =
 * saturate(rint((sa * (a - za) + sb * (b - zb)) / sy) + zy)}, in float32.
 *
 * <pre>{@code
 * @Add(channels = 8, height = 14, width = 14, from = Stem.class)
 * final class Residual {}
 * @Model(layers = {Stem.class, Conv1.class, Conv2.class, Residual.class, ...})
 * }</pre>
 *
 * The model checks that {@code from} runs earlier, exactly once, with this shape.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface Add {
  /** Channels; positive. */
  int channels();

  /** Height; positive. */
  int height();

  /** Width; positive. */
  int width();

  /**
   * The earlier layer whose output is added, or {@link Model.Input Model.Input.class} for the
   * model's input.
   */
  Class<?> from();
}
