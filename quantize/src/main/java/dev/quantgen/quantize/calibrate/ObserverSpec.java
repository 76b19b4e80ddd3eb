package dev.quantgen.quantize.calibrate;

import dev.quantgen.annotations.Scheme;
import dev.quantgen.runtime.numerics.QuantType;
import java.util.Objects;

/**
 * How to calibrate one tensor: the observer kind, the target type, the scheme, and per-tensor or
 * per-channel granularity. Immutable; {@link #newObserver()} makes fresh observers from it.
 *
 * <p>The defaults follow the recipe the literature backs (Krishnamoorthi, arXiv:1806.08342, section
 * 3; Nagel et al., "A White Paper on Neural Network Quantization", 2021, section 4), which is also
 * what ONNX Runtime, TFLite and PyTorch do by default:
 *
 * <ul>
 *   <li>{@link #forWeights}: symmetric, per output channel (axis 0 of {@code [out, in]} and {@code
 *       [M, C, kh, kw]}). Per-channel scales remove the accuracy loss of channels with very
 *       different ranges; symmetric weights make the zero-point cross terms vanish from the integer
 *       kernel (docs/numerics.md#4-integer-kernels). Min/max at 8 bits and more, where the step is
 *       fine enough that clipping buys little; MSE below 8 bits, where it pays to clip outliers
 *       (Nagel et al. report MSE range setting recovering most of the 4-bit loss).
 *   <li>{@link #forActivations}: asymmetric per tensor (one zero point absorbs the one-sided ranges
 *       of ReLU outputs; per-channel activation scales would not fold into an integer matmul), with
 *       min/max: it is exact on the calibration data, needs no histogram, and on a few hundred
 *       calibration samples is what the three frameworks default to. {@link
 *       ObserverKind#PERCENTILE} is the option when activations have rare large outliers.
 * </ul>
 */
public final class ObserverSpec {
  /** Marks a per-tensor spec; no real axis has this value. */
  private static final int PER_TENSOR = Integer.MIN_VALUE;

  private final ObserverKind kind;
  private final QuantType type;
  private final Scheme scheme;
  private final int axis;

  private ObserverSpec(ObserverKind kind, QuantType type, Scheme scheme, int axis) {
    this.kind = Objects.requireNonNull(kind, "kind");
    this.type = Objects.requireNonNull(type, "type");
    this.scheme = Objects.requireNonNull(scheme, "scheme");
    this.axis = axis;
    // Fail now (unsigned symmetric, over 16 bits) rather than after a whole calibration run.
    new Range(0f, 0f).quantParams(type, scheme);
  }

  /** One range for the whole tensor. */
  public static ObserverSpec perTensor(ObserverKind kind, QuantType type, Scheme scheme) {
    return new ObserverSpec(kind, type, scheme, PER_TENSOR);
  }

  /** One range per index of {@code axis} (negative axes count from the end). */
  public static ObserverSpec perChannel(
      ObserverKind kind, QuantType type, Scheme scheme, int axis) {
    if (axis == PER_TENSOR) {
      throw new IllegalArgumentException("axis is " + axis + ", expected a tensor axis");
    }
    return new ObserverSpec(kind, type, scheme, axis);
  }

  /**
   * The default for weights of {@code type}: symmetric per channel on axis 0, see above.
   *
   * @throws IllegalArgumentException for an unsigned type (symmetric needs a signed one) or one
   *     wider than 16 bits
   */
  public static ObserverSpec forWeights(QuantType type) {
    ObserverKind kind = type.bits() >= 8 ? ObserverKind.MIN_MAX : ObserverKind.MSE;
    return perChannel(kind, type, Scheme.SYMMETRIC, 0);
  }

  /** The default for activations of {@code type}: asymmetric per-tensor min/max, see above. */
  public static ObserverSpec forActivations(QuantType type) {
    return perTensor(ObserverKind.MIN_MAX, type, Scheme.ASYMMETRIC);
  }

  /** The same spec with another observer kind. */
  public ObserverSpec withKind(ObserverKind newKind) {
    return new ObserverSpec(newKind, type, scheme, axis);
  }

  public ObserverKind kind() {
    return kind;
  }

  public QuantType type() {
    return type;
  }

  public Scheme scheme() {
    return scheme;
  }

  public boolean isPerChannel() {
    return axis != PER_TENSOR;
  }

  /**
   * The channel axis.
   *
   * @throws IllegalStateException for a per-tensor spec
   */
  public int axis() {
    if (!isPerChannel()) {
      throw new IllegalStateException("a per-tensor spec has no channel axis");
    }
    return axis;
  }

  /** A fresh observer following this spec. */
  public TensorObserver newObserver() {
    if (isPerChannel()) {
      return new PerChannelObserver(axis, () -> kind.newObserver(type, scheme));
    }
    return new PerTensorObserver(kind.newObserver(type, scheme));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ObserverSpec that
        && kind == that.kind
        && type == that.type
        && scheme == that.scheme
        && axis == that.axis;
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, type, scheme, axis);
  }

  @Override
  public String toString() {
    return kind
        + " "
        + type.onnxName()
        + " "
        + scheme
        + (isPerChannel() ? " per-channel(axis " + axis + ")" : " per-tensor");
  }
}
