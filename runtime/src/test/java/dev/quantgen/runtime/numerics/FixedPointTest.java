package dev.quantgen.runtime.numerics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link FixedPoint}: gemmlowp / TFLite integer-only requantization,
 * docs/numerics.md#5-requantization.
 */
class FixedPointTest {

  @Test
  void doublingHighMulSaturatesOnlyMinTimesMin() {
    assertEquals(
        Integer.MAX_VALUE,
        FixedPoint.saturatingRoundingDoublingHighMul(Integer.MIN_VALUE, Integer.MIN_VALUE));
    assertEquals(
        Integer.MIN_VALUE + 1,
        FixedPoint.saturatingRoundingDoublingHighMul(Integer.MIN_VALUE, Integer.MAX_VALUE));
    assertEquals(
        Integer.MAX_VALUE - 1,
        FixedPoint.saturatingRoundingDoublingHighMul(Integer.MAX_VALUE, Integer.MAX_VALUE));
  }

  @Test
  void doublingHighMulRoundsToNearest() {
    int half = 1 << 30; // 0.5 in Q31
    assertEquals(1, FixedPoint.saturatingRoundingDoublingHighMul(1, half), "+0.5 rounds up");
    assertEquals(2, FixedPoint.saturatingRoundingDoublingHighMul(3, half), "+1.5 rounds up");
    assertEquals(1, FixedPoint.saturatingRoundingDoublingHighMul(3, 1 << 29), "+0.75 -> 1");
    assertEquals(0, FixedPoint.saturatingRoundingDoublingHighMul(1, 1 << 29), "+0.25 -> 0");
  }

  @Test
  void doublingHighMulNudgesNegativeProductsDownward() {
    // Truncating division alone would round -0.75 to 0; the nudge 1 - 2^30 makes it -1.
    assertEquals(-1, FixedPoint.saturatingRoundingDoublingHighMul(-3, 1 << 29), "-0.75 -> -1");
    assertEquals(0, FixedPoint.saturatingRoundingDoublingHighMul(-1, 1 << 29), "-0.25 -> 0");
    assertEquals(-2, FixedPoint.saturatingRoundingDoublingHighMul(-7, 1 << 29), "-1.75 -> -2");
    // gemmlowp's exact ties: -0.5 -> 0 and -1.5 -> -1 (the nudge is one short of a half).
    assertEquals(0, FixedPoint.saturatingRoundingDoublingHighMul(-1, 1 << 30), "-0.5 -> 0");
    assertEquals(-1, FixedPoint.saturatingRoundingDoublingHighMul(-3, 1 << 30), "-1.5 -> -1");
  }

  @Test
  void roundingDivideByPotRoundsTiesAwayFromZero() {
    assertEquals(3, FixedPoint.roundingDivideByPot(5, 1), "2.5 -> 3");
    assertEquals(-3, FixedPoint.roundingDivideByPot(-5, 1), "-2.5 -> -3");
    assertEquals(2, FixedPoint.roundingDivideByPot(3, 1), "1.5 -> 2");
    assertEquals(-2, FixedPoint.roundingDivideByPot(-3, 1), "-1.5 -> -2");
    assertEquals(1, FixedPoint.roundingDivideByPot(5, 2), "1.25 -> 1");
    assertEquals(-1, FixedPoint.roundingDivideByPot(-5, 2), "-1.25 -> -1");
    assertEquals(-2, FixedPoint.roundingDivideByPot(-7, 2), "-1.75 -> -2");
  }

  @Test
  void roundingDivideByPotAtExponentsZeroAndThirtyOne() {
    for (int x : new int[] {0, 1, -1, 12345, Integer.MIN_VALUE, Integer.MAX_VALUE}) {
      assertEquals(x, FixedPoint.roundingDivideByPot(x, 0));
    }
    assertEquals(1, FixedPoint.roundingDivideByPot(1 << 30, 31), "0.5 -> 1");
    assertEquals(-1, FixedPoint.roundingDivideByPot(-(1 << 30), 31), "-0.5 -> -1");
    assertEquals(0, FixedPoint.roundingDivideByPot((1 << 30) - 1, 31));
    assertEquals(-1, FixedPoint.roundingDivideByPot(Integer.MIN_VALUE, 31), "-1 exactly");
    assertEquals(1, FixedPoint.roundingDivideByPot(Integer.MAX_VALUE, 31));
  }

  @Test
  void roundingDivideByPotRejectsExponentsOutsideZeroToThirtyOne() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> FixedPoint.roundingDivideByPot(1, 32));
    assertTrue(
        e.getMessage().contains("exponent") && e.getMessage().contains("32"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> FixedPoint.roundingDivideByPot(1, -1));
  }

  @Test
  void quantizeMultiplierOfSpecialValues() {
    assertEquals(new FixedPoint.Multiplier(0, 0), FixedPoint.quantizeMultiplier(0));
    assertEquals(new FixedPoint.Multiplier(1 << 30, 0), FixedPoint.quantizeMultiplier(0.5));
    // 1 - 2^-40 rounds up to 2^31 in Q31: renormalized to 2^30 with the exponent one higher.
    assertEquals(new FixedPoint.Multiplier(1 << 30, 1), FixedPoint.quantizeMultiplier(1 - 0x1p-40));
    assertEquals(new FixedPoint.Multiplier(1 << 30, -30), FixedPoint.quantizeMultiplier(0x1p-31));
    // 2^-32 is kept, as TFLite's QuantizeMultiplier keeps shift -31: it still decides acc =
    // MIN_VALUE.
    assertEquals(new FixedPoint.Multiplier(1 << 30, -31), FixedPoint.quantizeMultiplier(0x1p-32));
    assertEquals(
        -1,
        FixedPoint.quantizeMultiplier(0x1p-32).apply(Integer.MIN_VALUE),
        "-0.5 rounds away from zero");
    // Below 2^-32 no int32 accumulator reaches 0.5: the multiplier becomes zero.
    assertEquals(new FixedPoint.Multiplier(0, 0), FixedPoint.quantizeMultiplier(0x1p-33));
    assertEquals(new FixedPoint.Multiplier(0, 0), FixedPoint.quantizeMultiplier(Double.MIN_VALUE));
  }

  @Test
  void quantizeMultiplierRoundsTheSignificandHalfToEven() {
    // m = (2^30 + 0.5) * 2^-31: the Q31 significand is a tie between 2^30 and 2^30 + 1.
    assertEquals(1 << 30, FixedPoint.quantizeMultiplier(((1 << 30) + 0.5) * 0x1p-31).multiplier());
    assertEquals(
        (1 << 30) + 2, FixedPoint.quantizeMultiplier(((1 << 30) + 1.5) * 0x1p-31).multiplier());
  }

  @Test
  void quantizedMultiplierMatchesExactRoundingWithinOne() {
    Random random = new Random(20240501);
    for (int i = 0; i < 5_000; i++) {
      double m = Math.scalb(0.5 + random.nextDouble() / 2, random.nextInt(30) - 24); // 2^-25 .. 2^5
      int acc = random.nextInt(1 << 24) - (1 << 23); // |acc * m| stays far below 2^31
      FixedPoint.Multiplier q = FixedPoint.quantizeMultiplier(m);
      long exact =
          new BigDecimal(acc)
              .multiply(new BigDecimal(m))
              .setScale(0, RoundingMode.HALF_UP)
              .longValueExact();
      int got = q.apply(acc);
      assertTrue(
          Math.abs(got - exact) <= 1,
          "acc " + acc + " * " + m + ": exact " + exact + ", got " + got);
    }
  }

  @Test
  void quantizeMultiplierRejectsNegativeNaNInfiniteAndTooLarge() {
    for (double bad : new double[] {-0.5, Double.NaN, Double.POSITIVE_INFINITY, 0x1p30, 1e12}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> FixedPoint.quantizeMultiplier(bad));
      assertTrue(
          e.getMessage().startsWith("multiplier") && e.getMessage().contains(String.valueOf(bad)),
          e.getMessage());
    }
    assertEquals(
        30, FixedPoint.quantizeMultiplier(0x1.8p29).shift(), "just below 2^30 is accepted");
  }
}
