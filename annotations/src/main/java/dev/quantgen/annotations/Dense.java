package dev.quantgen.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A fully connected layer {@code y = act(W x + b)} with {@code W} of shape {@code [out][in]}
 * (row-major, PyTorch {@code Linear} layout). Shapes are compile-time constants of the generated
 * kernels.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface Dense {
  /** Number of inputs (fan-in, {@code K}); positive. */
  int in();

  /** Number of outputs (channels); positive. */
  int out();

  /** Whether the layer adds a bias vector of length {@code out}. */
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
