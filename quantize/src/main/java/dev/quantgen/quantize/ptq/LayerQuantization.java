package dev.quantgen.quantize.ptq;

import dev.quantgen.quantize.calibrate.ObserverKind;
import dev.quantgen.runtime.layer.ActivationMode;
import dev.quantgen.runtime.layer.QuantizedDenseConfig;
import dev.quantgen.runtime.model.Precision;
import dev.quantgen.runtime.numerics.Activation;
import dev.quantgen.runtime.numerics.QuantType;
import dev.quantgen.runtime.numerics.RequantMode;
import java.util.Objects;

/**
 * How post-training quantization treats one layer: the weight precision and scheme, the activation
 * mode, and the observer that picks each weight group's clipping range. Immutable; the {@code with}
 * methods return copies.
 *
 * <p>{@link #of(Precision)} gives the defaults the literature backs (Krishnamoorthi,
 * arXiv:1806.08342; Nagel et al. 2021): weights symmetric per channel, chosen by min/max at 8 bits
 * and by MSE below (clipping outliers pays off at 4 bits); INT8 activations {@link
 * ActivationMode#STATIC} (calibrated, integer-only between layers); INT4 weights with dynamic int8
 * activations; BINARY weights with float activations (the inputs of an MLP are non-negative pixels
 * and ReLU outputs, whose signs carry no information, so binarizing them would discard everything).
 *
 * @param precision the weight precision
 * @param symmetric zero point 0 and the restricted range (INT8, INT4); must be true otherwise
 * @param perChannel one weight scale per output channel (INT8, INT4, BINARY)
 * @param blockSize INT4 only: one scale per run of this many inputs of a channel; 0 for none
 * @param mode STATIC, DYNAMIC or FLOAT (weight-only) for INT8/INT4; FLOAT or BINARY for BINARY;
 *     FLOAT for FP32 and FP16
 * @param requantization how STATIC layers requantize
 * @param weightObserver picks the clipping range of each weight group (INT8, INT4)
 */
public record LayerQuantization(
    Precision precision,
    boolean symmetric,
    boolean perChannel,
    int blockSize,
    ActivationMode mode,
    RequantMode requantization,
    ObserverKind weightObserver) {

  /**
   * @throws IllegalArgumentException for a combination no kernel implements
   */
  public LayerQuantization {
    Objects.requireNonNull(precision, "precision");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(requantization, "requantization");
    Objects.requireNonNull(weightObserver, "weightObserver");
    switch (precision) {
      case FP32:
      case FP16:
        require(mode == ActivationMode.FLOAT, "mode", "FLOAT for " + precision, mode);
        require(symmetric, "symmetric", "true for " + precision, false);
        require(blockSize == 0, "blockSize", "0 for " + precision, blockSize);
        break;
      case BINARY:
        require(
            mode == ActivationMode.FLOAT || mode == ActivationMode.BINARY,
            "mode",
            "FLOAT or BINARY for BINARY",
            mode);
        require(symmetric, "symmetric", "true for BINARY (signs have no zero point)", false);
        require(blockSize == 0, "blockSize", "0 for BINARY", blockSize);
        break;
      default:
        // Let the layer contract reject what no INT8/INT4 kernel implements.
        quantizedConfig(
            precision, symmetric, perChannel, blockSize, mode, requantization, Activation.NONE);
    }
  }

  private static void require(boolean ok, String name, String expected, Object got) {
    if (!ok) {
      throw new IllegalArgumentException(name + ": expected " + expected + ", got " + got);
    }
  }

  /** The default treatment of a layer at {@code precision}; see the class comment. */
  public static LayerQuantization of(Precision precision) {
    switch (precision) {
      case INT8:
        return new LayerQuantization(
            precision,
            true,
            true,
            0,
            ActivationMode.STATIC,
            RequantMode.INTEGER,
            ObserverKind.MIN_MAX);
      case INT4:
        return new LayerQuantization(
            precision,
            true,
            true,
            0,
            ActivationMode.DYNAMIC,
            RequantMode.INTEGER,
            ObserverKind.MSE);
      case BINARY:
        return new LayerQuantization(
            precision,
            true,
            true,
            0,
            ActivationMode.FLOAT,
            RequantMode.INTEGER,
            ObserverKind.MIN_MAX);
      default:
        return new LayerQuantization(
            precision,
            true,
            false,
            0,
            ActivationMode.FLOAT,
            RequantMode.INTEGER,
            ObserverKind.MIN_MAX);
    }
  }

  /** {@link #of(Precision)} for the {@code @Quantize} precision of the same name. */
  public static LayerQuantization of(dev.quantgen.annotations.Precision precision) {
    return of(Precision.valueOf(precision.name()));
  }

  /** A copy with another activation mode. */
  public LayerQuantization withMode(ActivationMode newMode) {
    return new LayerQuantization(
        precision, symmetric, perChannel, blockSize, newMode, requantization, weightObserver);
  }

  /** A copy with another weight scheme. */
  public LayerQuantization withSymmetric(boolean newSymmetric) {
    return new LayerQuantization(
        precision, newSymmetric, perChannel, blockSize, mode, requantization, weightObserver);
  }

  /** A copy with per-channel or per-tensor weight scales. */
  public LayerQuantization withPerChannel(boolean newPerChannel) {
    return new LayerQuantization(
        precision, symmetric, newPerChannel, blockSize, mode, requantization, weightObserver);
  }

  /** A copy with another INT4 block size. */
  public LayerQuantization withBlockSize(int newBlockSize) {
    return new LayerQuantization(
        precision, symmetric, perChannel, newBlockSize, mode, requantization, weightObserver);
  }

  /** A copy with another requantization mode. */
  public LayerQuantization withRequantization(RequantMode newRequantization) {
    return new LayerQuantization(
        precision, symmetric, perChannel, blockSize, mode, newRequantization, weightObserver);
  }

  /** A copy with another weight observer. */
  public LayerQuantization withWeightObserver(ObserverKind newObserver) {
    return new LayerQuantization(
        precision, symmetric, perChannel, blockSize, mode, requantization, newObserver);
  }

  /** Whether this layer runs int8 to int8 with calibrated input and output parameters. */
  public boolean isStatic() {
    return mode == ActivationMode.STATIC;
  }

  /** The layer contract's config for an INT8 or INT4 layer with {@code activation} fused. */
  QuantizedDenseConfig quantizedConfig(Activation activation) {
    return quantizedConfig(
        precision, symmetric, perChannel, blockSize, mode, requantization, activation);
  }

  private static QuantizedDenseConfig quantizedConfig(
      Precision precision,
      boolean symmetric,
      boolean perChannel,
      int blockSize,
      ActivationMode mode,
      RequantMode requantization,
      Activation activation) {
    QuantType type = precision == Precision.INT8 ? QuantType.INT8 : QuantType.INT4;
    return new QuantizedDenseConfig(
        type, symmetric, perChannel, blockSize, mode, requantization, activation);
  }

  /** A short description for tables: {@code int8 static}, {@code int4 dynamic}, {@code fp16}. */
  public String label() {
    switch (precision) {
      case FP32:
      case FP16:
        return precision.label();
      default:
        String m =
            mode == ActivationMode.FLOAT
                ? "weight-only"
                : mode.name().toLowerCase(java.util.Locale.ROOT);
        return precision.label() + " " + m;
    }
  }
}
