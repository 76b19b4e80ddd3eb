package dev.quantgen.runtime.layer;

import dev.quantgen.runtime.numerics.Activation;
import dev.quantgen.runtime.numerics.QuantType;
import dev.quantgen.runtime.numerics.RequantMode;

/**
 * What a quantized (INT8 or INT4) dense layer was generated for: the compile-time choices of its
 * {@code @Quantize} annotation in runtime terms. A generated kernel holds one as a constant and
 * refuses parameters prepared for another.
 *
 * @param weightType {@link QuantType#INT8} or {@link QuantType#INT4}
 * @param symmetric zero point 0 and the restricted range [-127, 127] (INT8) or [-7, 7] (INT4)
 * @param perChannel one scale per output channel (or per channel and block) instead of one
 * @param blockSize INT4 blockwise scales along {@code in} (the last block may be short); 0 = none
 * @param mode {@link ActivationMode#STATIC}, {@link ActivationMode#DYNAMIC} or {@link
 *     ActivationMode#FLOAT}
 * @param requantization how STATIC layers requantize (ignored by the other modes)
 * @param activation the fused activation
 */
public record QuantizedDenseConfig(
    QuantType weightType,
    boolean symmetric,
    boolean perChannel,
    int blockSize,
    ActivationMode mode,
    RequantMode requantization,
    Activation activation) {

  /**
   * @throws IllegalArgumentException for a combination no kernel implements
   */
  public QuantizedDenseConfig {
    if (weightType != QuantType.INT8 && weightType != QuantType.INT4) {
      throw new IllegalArgumentException("weightType: expected INT8 or INT4, got " + weightType);
    }
    if (mode == ActivationMode.BINARY) {
      throw new IllegalArgumentException("mode: expected STATIC, DYNAMIC or FLOAT, got BINARY");
    }
    if (blockSize < 0 || blockSize % 2 != 0 || (blockSize > 0 && weightType != QuantType.INT4)) {
      throw new IllegalArgumentException(
          "blockSize: expected 0 or an even positive size for INT4, got "
              + blockSize
              + " for "
              + weightType);
    }
    if (blockSize > 0 && (!perChannel || mode == ActivationMode.STATIC)) {
      throw new IllegalArgumentException(
          "blockSize: blockwise scales need perChannel = true and "
              + "DYNAMIC or FLOAT activations, got perChannel = "
              + perChannel
              + ", mode = "
              + mode);
    }
  }

  /**
   * {@code weightType} weights with {@code mode} activations and {@code @Quantize}'s other
   * defaults: symmetric, per channel, no blocks, integer requantization, no fused activation. The
   * {@code with} methods change one choice each, so generated code names every choice it makes.
   */
  public static QuantizedDenseConfig of(QuantType weightType, ActivationMode mode) {
    return new QuantizedDenseConfig(
        weightType, true, true, 0, mode, RequantMode.INTEGER, Activation.NONE);
  }

  /** This configuration with symmetric (zero point 0, restricted range) or asymmetric weights. */
  public QuantizedDenseConfig withSymmetric(boolean symmetric) {
    return new QuantizedDenseConfig(
        weightType, symmetric, perChannel, blockSize, mode, requantization, activation);
  }

  /** This configuration with one scale per output channel, or one for the whole tensor. */
  public QuantizedDenseConfig withPerChannel(boolean perChannel) {
    return new QuantizedDenseConfig(
        weightType, symmetric, perChannel, blockSize, mode, requantization, activation);
  }

  /** This configuration with INT4 blocks of {@code blockSize} inputs (0: none). */
  public QuantizedDenseConfig withBlockSize(int blockSize) {
    return new QuantizedDenseConfig(
        weightType, symmetric, perChannel, blockSize, mode, requantization, activation);
  }

  /** This configuration with another requantization (STATIC layers). */
  public QuantizedDenseConfig withRequantization(RequantMode requantization) {
    return new QuantizedDenseConfig(
        weightType, symmetric, perChannel, blockSize, mode, requantization, activation);
  }

  /** This configuration with another fused activation. */
  public QuantizedDenseConfig withActivation(Activation activation) {
    return new QuantizedDenseConfig(
        weightType, symmetric, perChannel, blockSize, mode, requantization, activation);
  }

  /** Largest quantized weight value (127 or 7). */
  public int weightMax() {
    return weightType.max();
  }

  /** Smallest weight value: the negated {@link #weightMax()} when symmetric (restricted range). */
  public int weightMin() {
    return symmetric ? -weightType.max() : weightType.min();
  }

  /** Inputs per scale group of a row: {@code blockSize}, or the whole row. */
  public int groupSize(int in) {
    return blockSize == 0 ? in : Math.min(blockSize, in);
  }

  /** Scale groups per row. */
  public int groups(int in) {
    int size = groupSize(in);
    return (in + size - 1) / size;
  }

  /** Bytes per stored weight row: {@code in} for INT8, {@code ceil(in / 2)} for INT4. */
  public int rowBytes(int in) {
    return weightType == QuantType.INT8 ? in : (in + 1) / 2;
  }
}
