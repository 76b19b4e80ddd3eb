package dev.quantgen.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Asks for a quantized variant of a layer. The layer class must also carry a layer annotation such
 * as {@link Dense}. Each {@code @Quantize} generates one class named after the layer and the
 * precision, e.g. {@code Hidden_Int8}; the FP32 baseline {@code Hidden_Fp32} is always generated.
 * The annotation is repeatable: one layer may ask for several precisions, each at most once.
 *
 * <pre>{@code
 * @Dense(in = 784, out = 256, activation = Activation.RELU)
 * @Quantize(precision = Precision.INT8, scheme = Scheme.SYMMETRIC, perChannel = true)
 * @Quantize(precision = Precision.INT4, blockSize = 32, activations = Activations.FLOAT)
 * final class Hidden {}
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
@Repeatable(Quantize.List.class)
public @interface Quantize {
  /** The weight precision. */
  Precision precision() default Precision.INT8;

  /** The weight scheme. BINARY, FP32 and FP16 have no zero point and accept only SYMMETRIC. */
  Scheme scheme() default Scheme.SYMMETRIC;

  /** One scale (and zero point) per output channel instead of one per tensor. */
  boolean perChannel() default true;

  /** How activations are handled; see {@link Activations} for which precision allows which mode. */
  Activations activations() default Activations.DEFAULT;

  /**
   * INT4 only: one scale per run of {@code blockSize} inputs of each output channel (the last run
   * may be short); 0 means per channel (or per tensor). Must be even so blocks start on a byte.
   * Blockwise scales need float or dynamic activations.
   */
  int blockSize() default 0;

  /** Rounding used when weights are quantized; see {@link Rounding#STOCHASTIC}. */
  Rounding rounding() default Rounding.HALF_EVEN;

  /** Requantization of {@link Activations#STATIC} layers; other modes have no requantization. */
  Requantization requantization() default Requantization.INTEGER;

  /** The container of repeated {@link Quantize} annotations. */
  @Documented
  @Retention(RetentionPolicy.CLASS)
  @Target(ElementType.TYPE)
  @interface List {
    /** The repeated annotations, in source order; the first is a model's default precision. */
    Quantize[] value();
  }
}
