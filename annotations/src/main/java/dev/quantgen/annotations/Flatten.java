package dev.quantgen.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Reshapes a {@code [channels, height, width]} activation into a vector of {@code channels * height
 * * width} values (row-major), e.g. between a convolution and a {@link Dense} layer. Validated by
 * the processor; no kernel is needed.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface Flatten {
  /** Channels; positive. */
  int channels();

  /** Height; positive. */
  int height();

  /** Width; positive. */
  int width();
}
