package dev.quantgen.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Softmax over a vector of {@code size} values, in float, as a model's last layer: {@code y[i] =
 * exp(x[i] - max(x)) / sum_j exp(x[j] - max(x))} (ONNX {@code Softmax} on the last axis). Each
 * exponential is {@code (float) Math.exp} of the float difference; the sum is float32 in index
 * order. A static int8 model dequantizes its input and writes the probabilities directly.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface Softmax {
  /** Values in the vector; positive. */
  int size();
}
