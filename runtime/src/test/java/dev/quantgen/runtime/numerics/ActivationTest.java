package dev.quantgen.runtime.numerics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quantgen.runtime.layer.LayerMath;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every activation is the clamp {@code min(max(y, lower), upper)}; int8 outputs clamp to the bounds
 * quantized like any value (true division, rint, zero point, saturation), as
 * docs/numerics.md#5-requantization states.
 */
class ActivationTest {
  private static final float INF = Float.POSITIVE_INFINITY;

  @Test
  void clipClampsToBothBoundsAndKeepsNaN() {
    Activation a = Activation.clip(-1.5f, 2.25f);
    assertEquals(-1.5f, a.apply(-3f));
    assertEquals(0.7f, a.apply(0.7f));
    assertEquals(2.25f, a.apply(5f));
    assertEquals(-1.5f, a.apply(Float.NEGATIVE_INFINITY));
    assertEquals(2.25f, a.apply(INF));
    assertTrue(Float.isNaN(a.apply(Float.NaN)));
    assertEquals(Float.floatToIntBits(-0.0f), Float.floatToIntBits(a.apply(-0.0f)));
  }

  @Test
  void oneSidedClipsLeaveTheOtherSideUnbounded() {
    Activation below = Activation.clip(-0.5f, INF);
    assertEquals(-0.5f, below.apply(-7f));
    assertEquals(1e30f, below.apply(1e30f));
    Activation above = Activation.clip(Float.NEGATIVE_INFINITY, 0.75f);
    assertEquals(-1e30f, above.apply(-1e30f));
    assertEquals(0.75f, above.apply(3f));
  }

  @Test
  void namedActivationsAreTheirClamps() {
    float[] ys = {-7f, -0.0f, 0f, 0.3f, 5.99f, 6f, 6.01f, 100f, -INF, INF};
    for (float y : ys) {
      assertEquals(y, Activation.NONE.apply(y));
      assertEquals(Math.max(y, 0f), Activation.RELU.apply(y));
      assertEquals(Math.min(Math.max(y, 0f), 6f), Activation.RELU6.apply(y));
    }
    assertEquals("RELU6", Activation.RELU6.toString());
    assertSame(Activation.RELU, Activation.valueOf("RELU"));
  }

  @Test
  void clipsWithTheSameBoundsAreOneInstance() {
    assertSame(Activation.clip(-1f, 3f), Activation.clip(-1f, 3f));
    assertSame(Activation.clip(-0.0f, 3f), Activation.clip(0.0f, 3f));
    assertTrue(Activation.clip(-1f, 3f) != Activation.clip(-1f, 3.0000002f));
    assertEquals("CLIP(-1.0, 3.0)", Activation.clip(-1f, 3f).toString());
    assertEquals(Activation.Kind.CLIP, Activation.clip(-1f, 3f).kind());
  }

  @Test
  void badBoundsAreRejectedNamingThem() {
    assertEquals(
        "clip bounds [NaN, 1.0]: expected numbers, got NaN",
        assertThrows(IllegalArgumentException.class, () -> Activation.clip(Float.NaN, 1f))
            .getMessage());
    assertEquals(
        "clip bounds [2.0, 2.0]: expected min < max",
        assertThrows(IllegalArgumentException.class, () -> Activation.clip(2f, 2f)).getMessage());
    assertEquals(
        "clip bounds [-Infinity, Infinity]: both unbounded, expected NONE",
        assertThrows(
                IllegalArgumentException.class, () -> Activation.clip(Float.NEGATIVE_INFINITY, INF))
            .getMessage());
    assertThrows(IllegalArgumentException.class, () -> Activation.of(Activation.Kind.CLIP));
    assertThrows(IllegalArgumentException.class, () -> Activation.valueOf("CLIP"));
  }

  @Test
  void quantizedBoundsRoundHalfToEven() {
    // scale 0.5, zero point -3: -1.25 / 0.5 = -2.5 -> -2, 2.25 / 0.5 = 4.5 -> 4 (Math.round: 5)
    Activation a = Activation.clip(-1.25f, 2.25f);
    assertEquals(-2 - 3, a.quantizedLower(0.5f, -3));
    assertEquals(4 - 3, a.quantizedUpper(0.5f, -3));
    // 0.75 / 0.5 = 1.5 -> 2 (the even neighbour above)
    assertEquals(2 - 3, Activation.clip(-1f, 0.75f).quantizedUpper(0.5f, -3));
  }

  @Test
  void quantizedBoundsOffTheGridRoundToTheNearestCode() {
    // 0.26 / 0.1 = 2.6 -> 3, 0.74 / 0.1 = 7.4 -> 7 (float32 division)
    Activation a = Activation.clip(0.26f, 0.74f);
    assertEquals(3 + 10, a.quantizedLower(0.1f, 10));
    assertEquals(7 + 10, a.quantizedUpper(0.1f, 10));
  }

  @Test
  void quantizedBoundsOutsideTheOutputRangeSaturate() {
    Activation wide = Activation.clip(-1000f, 1000f);
    assertEquals(-128, wide.quantizedLower(0.1f, 0));
    assertEquals(127, wide.quantizedUpper(0.1f, 0));
    Activation above = Activation.clip(Float.NEGATIVE_INFINITY, 2f);
    assertEquals(-128, above.quantizedLower(0.05f, 100));
    assertEquals(127, above.quantizedUpper(0.05f, 100)); // 40 + 100 saturates
    assertEquals(-128, Activation.NONE.quantizedLower(0.05f, 100));
    assertEquals(127, Activation.NONE.quantizedUpper(0.05f, 100));
  }

  @Test
  void quantizedBoundsAreLayerMathsQuantizeOfTheBounds() {
    List<Activation> all =
        List.of(
            Activation.NONE,
            Activation.RELU,
            Activation.RELU6,
            Activation.clip(-0.37f, 1.91f),
            Activation.clip(-3f, INF),
            Activation.clip(Float.NEGATIVE_INFINITY, -0.2f));
    float[] scales = {0.01f, 0.0371f, 0.5f, 3f};
    int[] zeros = {-128, -7, 0, 55, 127};
    for (Activation a : all) {
      for (float s : scales) {
        for (int z : zeros) {
          assertEquals(LayerMath.quantizeInt8(a.lower(), s, z), a.quantizedLower(s, z), a + "");
          assertEquals(LayerMath.quantizeInt8(a.upper(), s, z), a.quantizedUpper(s, z), a + "");
        }
      }
      // ReLU's lower bound is the zero point itself
      assertEquals(17, Activation.RELU.quantizedLower(0.3f, 17));
    }
  }
}
