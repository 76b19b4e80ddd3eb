package dev.quantgen.runtime.numerics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The activation fused into a dense or convolution layer's output: the runtime's one type for it.
 * Every activation is a clamp {@code min(max(y, lower), upper)}: {@link #NONE} has infinite bounds,
 * {@link #RELU} clamps below at 0, {@link #RELU6} to {@code [0, 6]}, and {@link #clip} to any
 * constant bounds (ONNX's Clip with constant min and max).
 *
 * <p>Float outputs apply {@link #apply}; int8 outputs clamp to the quantized bounds instead ({@link
 * #quantizedLower}, {@link #quantizedUpper}: each bound quantized like any value, so ReLU's lower
 * bound is the output zero point), which docs/numerics.md#5-requantization states.
 *
 * <p>There is one instance per activation ({@link #clip} returns the same instance for the same
 * bounds), so {@code ==} compares activations like the enum this type replaced; {@link Kind} is
 * that enum, the compile-time mirror of the annotation's constants.
 */
public final class Activation {

  /**
   * The kinds of activation: the annotation enum of the same name mirrors them, constant for
   * constant.
   */
  public enum Kind {
    /** Identity. */
    NONE,
    /** {@code max(y, 0)}. */
    RELU,
    /** {@code min(max(y, 0), 6)}. */
    RELU6,
    /** {@code min(max(y, min), max)} with constant bounds. */
    CLIP
  }

  private static final Map<Long, Activation> CLIPS = new ConcurrentHashMap<>();

  /** Identity. */
  public static final Activation NONE =
      new Activation(Kind.NONE, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);

  /** {@code max(y, 0)}; NaN stays NaN ({@code Math.max} propagates it). */
  public static final Activation RELU = new Activation(Kind.RELU, 0.0f, Float.POSITIVE_INFINITY);

  /** {@code min(max(y, 0), 6)}; NaN stays NaN. */
  public static final Activation RELU6 = new Activation(Kind.RELU6, 0.0f, 6.0f);

  private final Kind kind;
  private final float lower;
  private final float upper;

  private Activation(Kind kind, float lower, float upper) {
    this.kind = kind;
    this.lower = lower;
    this.upper = upper;
  }

  /**
   * {@code min(max(y, min), max)}: ONNX's Clip with constant bounds. Either bound may be infinite
   * (unbounded on that side), not both.
   *
   * @throws IllegalArgumentException if a bound is NaN, both are infinite, or {@code min >= max}
   */
  public static Activation clip(float min, float max) {
    if (Float.isNaN(min) || Float.isNaN(max)) {
      throw new IllegalArgumentException(
          "clip bounds [" + min + ", " + max + "]: expected numbers, got NaN");
    }
    if (!(min < max)) {
      throw new IllegalArgumentException(
          "clip bounds [" + min + ", " + max + "]: expected min < max");
    }
    if (Float.isInfinite(min) && Float.isInfinite(max)) {
      throw new IllegalArgumentException(
          "clip bounds [" + min + ", " + max + "]: both unbounded, expected NONE");
    }
    // -0.0 and 0.0 clamp alike but print differently: one instance for both
    float lo = min == 0.0f ? 0.0f : min;
    float hi = max == 0.0f ? 0.0f : max;
    long key = ((long) Float.floatToIntBits(lo) << 32) | (Float.floatToIntBits(hi) & 0xffffffffL);
    return CLIPS.computeIfAbsent(key, k -> new Activation(Kind.CLIP, lo, hi));
  }

  /**
   * The activation of a kind without bounds: {@code NONE}, {@code RELU} or {@code RELU6}.
   *
   * @throws IllegalArgumentException for {@link Kind#CLIP}, which needs its bounds ({@link #clip})
   */
  public static Activation of(Kind kind) {
    return switch (kind) {
      case NONE -> NONE;
      case RELU -> RELU;
      case RELU6 -> RELU6;
      case CLIP -> throw new IllegalArgumentException("CLIP needs its bounds: Activation.clip");
    };
  }

  /**
   * The activation of a kind named without bounds ({@code "RELU"}), as the enum's {@code valueOf}.
   *
   * @throws IllegalArgumentException for an unknown name or {@code "CLIP"}
   */
  public static Activation valueOf(String name) {
    return of(Kind.valueOf(name));
  }

  /** The kind: {@code NONE}, {@code RELU}, {@code RELU6} or {@code CLIP}. */
  public Kind kind() {
    return kind;
  }

  /** The kind's name, as the enum this type replaced named its constants. */
  public String name() {
    return kind.name();
  }

  /** The lower bound of the clamp: negative infinity for {@link #NONE}. */
  public float lower() {
    return lower;
  }

  /** The upper bound of the clamp: positive infinity for {@link #NONE} and {@link #RELU}. */
  public float upper() {
    return upper;
  }

  /**
   * Applies the activation to one float output: {@code min(max(y, lower), upper)}; NaN stays NaN.
   */
  public float apply(float y) {
    return kind == Kind.NONE ? y : Math.min(Math.max(y, lower), upper);
  }

  /**
   * The int8 code an int8 output is clamped to from below: the lower bound quantized with the
   * output's scale and zero point ({@code rint(lower / scale) + zeroPoint}, saturated to int8).
   */
  public int quantizedLower(float scale, int zeroPoint) {
    return quantizeInt8(lower, scale, zeroPoint);
  }

  /** The int8 code an int8 output is clamped to from above, like {@link #quantizedLower}. */
  public int quantizedUpper(float scale, int zeroPoint) {
    return quantizeInt8(upper, scale, zeroPoint);
  }

  // LayerMath.quantizeInt8 (same package family, kept here so numerics depends on nothing)
  private static int quantizeInt8(float x, float scale, int zeroPoint) {
    double r = Math.rint(x / scale) + zeroPoint;
    return r <= -128 ? -128 : r >= 127 ? 127 : (int) r;
  }

  /** {@code NONE}, {@code RELU}, {@code RELU6}, or {@code CLIP(min, max)}. */
  @Override
  public String toString() {
    return kind == Kind.CLIP ? "CLIP(" + lower + ", " + upper + ")" : kind.name();
  }
}
