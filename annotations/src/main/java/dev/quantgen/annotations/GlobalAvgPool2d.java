package dev.quantgen.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Global average pooling (ONNX {@code GlobalAveragePool}): each channel of a {@code [channels,
 * height, width]} input becomes its mean, a {@code [channels, 1, 1]} output (follow it with
 * {@code @Flatten(channels = C, height = 1, width = 1)} before a {@link Dense} layer). The plane is
 * summed in float32 row by row, then divided by {@code height * width}.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface GlobalAvgPool2d {
  /** Channels; positive. */
  int channels();

  /** Input height; positive. */
  int height();

  /** Input width; positive. */
  int width();
}
