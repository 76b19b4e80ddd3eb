package dev.quantgen.processor.model;

import dev.quantgen.annotations.Activations;
import dev.quantgen.annotations.Precision;
import dev.quantgen.annotations.Requantization;
import dev.quantgen.annotations.Rounding;
import dev.quantgen.annotations.Scheme;

/**
 * One generated variant of a layer: a validated {@code @Quantize}, with {@link Activations#DEFAULT}
 * already resolved. Plain data, no javac elements.
 */
public record VariantSpec(
    Precision precision,
    Scheme scheme,
    boolean perChannel,
    Activations activations,
    int blockSize,
    Rounding rounding,
    Requantization requantization) {

  /** The FP32 baseline every layer gets. */
  public static final VariantSpec FP32_BASELINE =
      new VariantSpec(
          Precision.FP32,
          Scheme.SYMMETRIC,
          false,
          Activations.FLOAT,
          0,
          Rounding.HALF_EVEN,
          Requantization.INTEGER);

  /** The activation mode {@link Activations#DEFAULT} stands for at a precision. */
  public static Activations resolve(Precision precision, Activations activations) {
    if (activations != Activations.DEFAULT) {
      return activations;
    }
    return precision == Precision.INT8 || precision == Precision.INT4
        ? Activations.STATIC
        : Activations.FLOAT;
  }

  /**
   * The generated class name's suffix: {@code Fp32}, {@code Fp16}, {@code Int8}, {@code Int4},
   * {@code Binary}.
   */
  public String suffix() {
    String name = precision.name();
    return name.charAt(0) + name.substring(1).toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * Whether the kernel accumulates quantized activations in int32 (and so has an overflow bound).
   */
  public boolean integerAccumulator() {
    return (precision == Precision.INT8 || precision == Precision.INT4)
        && (activations == Activations.STATIC || activations == Activations.DYNAMIC);
  }

  /**
   * Largest {@code |qw - zw|}: 127 or 7 symmetric (restricted range), 255 or 15 asymmetric, 1
   * binary.
   */
  public int maxWeightMagnitude() {
    boolean symmetric = scheme == Scheme.SYMMETRIC;
    switch (precision) {
      case INT8:
        return symmetric ? 127 : 255;
      case INT4:
        return symmetric ? 7 : 15;
      default:
        return 1;
    }
  }

  /** Largest {@code |qa - za|} of int8 (static) or uint8 (dynamic) activations. */
  public int maxActivationMagnitude() {
    return 255;
  }

  /** Inputs accumulated in one int32: the block, or the whole row. */
  public int accumulatedInputs(int in) {
    return blockSize == 0 ? in : Math.min(blockSize, in);
  }

  /** {@code K * max|qa - za| * max|qw - zw|}, the compile-time part of the accumulator bound. */
  public long accumulatorBound(int in) {
    return (long) accumulatedInputs(in) * maxActivationMagnitude() * maxWeightMagnitude();
  }
}
