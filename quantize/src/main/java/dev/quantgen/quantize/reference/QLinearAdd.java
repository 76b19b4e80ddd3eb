package dev.quantgen.quantize.reference;

/**
 * ONNX {@code com.microsoft.QLinearAdd} on per-tensor int8 operands of one shape, written from the
 * operator's definition and nothing else:
 *
 * <pre>
 * y = saturate(rint((aScale * (a - aZeroPoint) + bScale * (b - bZeroPoint)) / yScale) + yZeroPoint)
 * </pre>
 *
 * <p>Every operation is float32 (each product, the sum, the division), rounding half to even,
 * saturating to [-128, 127]. ONNX Runtime's MLAS kernel folds the scales into ratios ({@code aScale
 * / yScale}); near a tie it may land one step away from this definition, which is the one
 * quantgen's generated models implement. {@link #concat} is {@code QLinearConcat}'s requantization
 * of one input: {@code saturate(rint(scale * (q - zeroPoint) / yScale) + yZeroPoint)}.
 */
public final class QLinearAdd {
  private QLinearAdd() {}

  /**
   * @throws IllegalArgumentException if the operands differ in length or a scale is not finite and
   *     positive
   */
  public static int[] apply(
      int[] a,
      float aScale,
      int aZeroPoint,
      int[] b,
      float bScale,
      int bZeroPoint,
      float yScale,
      int yZeroPoint) {
    if (a.length != b.length) {
      throw new IllegalArgumentException(
          "b: expected " + a.length + " values (a's), got " + b.length);
    }
    requireScale("aScale", aScale);
    requireScale("bScale", bScale);
    requireScale("yScale", yScale);
    int[] y = new int[a.length];
    for (int i = 0; i < y.length; i++) {
      float sum = aScale * (float) (a[i] - aZeroPoint) + bScale * (float) (b[i] - bZeroPoint);
      y[i] = saturate(Math.rint(sum / yScale) + yZeroPoint);
    }
    return y;
  }

  /** One input of {@code QLinearConcat} requantized to the output's parameters. */
  public static int[] concat(int[] q, float scale, int zeroPoint, float yScale, int yZeroPoint) {
    requireScale("scale", scale);
    requireScale("yScale", yScale);
    int[] y = new int[q.length];
    for (int i = 0; i < y.length; i++) {
      y[i] = saturate(Math.rint(scale * (float) (q[i] - zeroPoint) / yScale) + yZeroPoint);
    }
    return y;
  }

  private static int saturate(double v) {
    return (int) Math.max(-128, Math.min(127, v));
  }

  private static void requireScale(String name, float scale) {
    if (!(scale > 0) || Float.isInfinite(scale)) {
      throw new IllegalArgumentException(name + ": expected a finite value > 0, got " + scale);
    }
  }
}
