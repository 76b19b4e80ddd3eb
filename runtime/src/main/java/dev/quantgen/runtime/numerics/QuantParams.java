package dev.quantgen.runtime.numerics;

import java.util.Objects;

/**
 * Immutable quantization parameters of one tensor: the integer type, the scales and zero points,
 * and how they line up with the tensor (per-tensor, per-axis or blocked).
 *
 * <p>{@link #quantize} and {@link #dequantize} delegate to {@link QuantizeLinear} and {@link
 * DequantizeLinear}, so they follow the ONNX arithmetic exactly; this class adds user-facing
 * factories that validate everything they can before a tensor is seen. The axis and the block size
 * are checked against a tensor's shape when it is quantized.
 */
public final class QuantParams {
  /** How the scales line up with the tensor. */
  public enum Granularity {
    /** One scale and zero point for the whole tensor. */
    PER_TENSOR,
    /** One scale and zero point per index of {@link #axis()}. */
    PER_AXIS,
    /** One scale and zero point per run of {@link #blockSize()} indices along {@link #axis()}. */
    BLOCKED
  }

  private final Granularity granularity;
  private final QuantType type;
  private final FloatTensor scales;
  private final IntTensor zeroPoints;
  private final int axis;
  private final int blockSize;

  private QuantParams(
      Granularity granularity, FloatTensor scales, IntTensor zeroPoints, int axis, int blockSize) {
    for (int i = 0; i < scales.size(); i++) {
      float s = scales.get(i);
      if (!(s > 0) || s == Float.POSITIVE_INFINITY) {
        throw new IllegalArgumentException(
            "scale: expected finite values > 0, got " + s + " at index " + i);
      }
    }
    if (!zeroPoints.shape().equals(scales.shape())) {
      throw new IllegalArgumentException(
          "zeroPoints: expected the scales' shape "
              + scales.shape()
              + ", got "
              + zeroPoints.shape());
    }
    this.granularity = granularity;
    this.type = zeroPoints.type();
    this.scales = scales;
    this.zeroPoints = zeroPoints;
    this.axis = axis;
    this.blockSize = blockSize;
  }

  /**
   * One scale and zero point for the whole tensor.
   *
   * @throws IllegalArgumentException if {@code scale} is not finite and positive or {@code
   *     zeroPoint} lies outside {@code type}
   */
  public static QuantParams perTensor(float scale, int zeroPoint, QuantType type) {
    Objects.requireNonNull(type, "type");
    return new QuantParams(
        Granularity.PER_TENSOR,
        FloatTensor.scalar(scale),
        IntTensor.scalar(type, checkZeroPoint(zeroPoint, -1, type)),
        0,
        0);
  }

  /**
   * One scale and zero point per index of {@code axis} (negative counts from the end), e.g. per
   * output channel of a weight.
   *
   * @throws IllegalArgumentException if the arrays are empty or differ in length, a scale is not
   *     finite and positive, or a zero point lies outside {@code type}
   */
  public static QuantParams perAxis(int axis, float[] scales, int[] zeroPoints, QuantType type) {
    Objects.requireNonNull(type, "type");
    if (scales.length == 0 || scales.length != zeroPoints.length) {
      throw new IllegalArgumentException(
          "zeroPoints: expected as many as the "
              + scales.length
              + " scales (at least one), got "
              + zeroPoints.length);
    }
    for (int i = 0; i < zeroPoints.length; i++) {
      checkZeroPoint(zeroPoints[i], i, type);
    }
    Shape shape = Shape.of(scales.length);
    return new QuantParams(
        Granularity.PER_AXIS,
        FloatTensor.of(shape, scales),
        IntTensor.of(shape, type, zeroPoints),
        axis,
        0);
  }

  /**
   * One scale and zero point per block of {@code blockSize} indices along {@code axis}; the scales
   * have the quantized tensor's rank, {@code ceil(D[axis] / blockSize)} on {@code axis}, and its
   * size elsewhere. The zero points' type is the quantized type.
   *
   * @throws IllegalArgumentException if {@code blockSize <= 0}, a scale is not finite and positive
   *     or the zero points are shaped unlike the scales
   */
  public static QuantParams blocked(
      int axis, int blockSize, FloatTensor scales, IntTensor zeroPoints) {
    Objects.requireNonNull(scales, "scales");
    Objects.requireNonNull(zeroPoints, "zeroPoints");
    if (blockSize <= 0) {
      throw new IllegalArgumentException("blockSize: expected a value > 0, got " + blockSize);
    }
    return new QuantParams(Granularity.BLOCKED, scales, zeroPoints, axis, blockSize);
  }

  /** Quantizes {@code x}: {@code saturate(rint(x / s) + z)}, see {@link QuantizeLinear}. */
  public IntTensor quantize(FloatTensor x) {
    return QuantizeLinear.apply(x, scales, zeroPoints, axis, blockSize, type);
  }

  /**
   * Dequantizes {@code q} to float32: {@code fl32(fl32(q - z) * s)}, see {@link DequantizeLinear}.
   *
   * @throws IllegalArgumentException if {@code q} is not of this {@link #type()}
   */
  public FloatTensor dequantize(IntTensor q) {
    if (q.type() != type) {
      throw new IllegalArgumentException(
          "q: expected a " + type.onnxName() + " tensor, got " + q.type().onnxName());
    }
    return DequantizeLinear.apply(q, scales, zeroPoints, axis, blockSize, FloatType.FLOAT32);
  }

  public Granularity granularity() {
    return granularity;
  }

  public QuantType type() {
    return type;
  }

  /** The axis of a per-axis or blocked layout; 0 and unused for per-tensor. */
  public int axis() {
    return axis;
  }

  /** The block size of a blocked layout; 0 otherwise. */
  public int blockSize() {
    return blockSize;
  }

  /** The scales: a scalar, a 1-D tensor (per-axis) or a tensor of the quantized rank (blocked). */
  public FloatTensor scales() {
    return scales;
  }

  /** The zero points, shaped like {@link #scales()}. */
  public IntTensor zeroPoints() {
    return zeroPoints;
  }

  /** {@code index} is -1 for a single zero point. */
  private static int checkZeroPoint(int zeroPoint, int index, QuantType type) {
    if (!type.contains(zeroPoint)) {
      throw new IllegalArgumentException(
          "zeroPoint: expected a value in "
              + type.min()
              + ".."
              + type.max()
              + " ("
              + type.onnxName()
              + "), got "
              + zeroPoint
              + (index >= 0 ? " at index " + index : ""));
    }
    return zeroPoint;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof QuantParams p
        && granularity == p.granularity
        && axis == p.axis
        && blockSize == p.blockSize
        && scales.equals(p.scales)
        && zeroPoints.equals(p.zeroPoints);
  }

  @Override
  public int hashCode() {
    return Objects.hash(granularity, axis, blockSize, scales, zeroPoints);
  }

  @Override
  public String toString() {
    return "QuantParams{"
        + granularity
        + ", "
        + type.onnxName()
        + (granularity == Granularity.PER_TENSOR ? "" : ", axis=" + axis)
        + (granularity == Granularity.BLOCKED ? ", blockSize=" + blockSize : "")
        + ", scales="
        + scales
        + ", zeroPoints="
        + zeroPoints
        + "}";
  }
}
