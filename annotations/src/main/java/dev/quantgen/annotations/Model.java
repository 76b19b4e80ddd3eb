package dev.quantgen.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A sequential model: the listed layer classes, in order, each output feeding the next input. The
 * processor generates {@code <Name>_Model}, which wires the layers' generated kernels without
 * reflection, lets the caller pick each layer's precision among its generated variants (default:
 * the layer's first {@link Quantize}) and exposes every layer's FP32 output for calibration.
 * Consecutive shapes must match: a mismatch is a compile error on this annotation.
 *
 * <p>A model is a chain with optional skip connections: an {@link Add} or {@link Concat} layer
 * joins the layer before it with an earlier layer named by its {@code from} (or the model's input,
 * {@link Input Model.Input.class}). That layer must run earlier and appear once in the list.
 *
 * <pre>{@code
 * @Model(layers = {Hidden.class, Output.class})
 * interface Mlp {}
 * // javac generates Mlp_Model
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface Model {
  /** The layer classes in execution order; at least one. */
  Class<?>[] layers();

  /** Names the model's input in {@link Add#from()} and {@link Concat#from()}. */
  interface Input {}
}
