package dev.quantgen.quantize.calibrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.QuantParams;
import dev.quantgen.runtime.numerics.QuantType;
import dev.quantgen.runtime.numerics.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FakeQuantizerTest {
  private static float fq(float scale, int zeroPoint, QuantType type, float x) {
    return new FakeQuantizer(QuantParams.perTensor(scale, zeroPoint, type)).apply(x);
  }

  @Test
  void roundsTiesToEvenThenAddsZeroPointThenSaturates() {
    assertEquals(0f, fq(1f, 0, QuantType.INT8, 0.5f));
    assertEquals(2f, fq(1f, 0, QuantType.INT8, 2.5f));
    assertEquals(-2f, fq(1f, 0, QuantType.INT8, -2.5f));
    assertEquals(127f, fq(1f, 0, QuantType.INT8, 1000f));
    assertEquals(-128f, fq(1f, 0, QuantType.INT8, -1000f));
    // z = 10: 2.5 rounds to 2 first, then 12; -300 saturates at 0, i.e. -10.
    assertEquals(2f, fq(1f, 10, QuantType.UINT8, 2.5f));
    assertEquals(-10f, fq(1f, 10, QuantType.UINT8, -300f));
  }

  @Test
  void dividesRatherThanMultiplyingByTheReciprocal() {
    // 69.90954f / 0.97775584f = 71.49999 in float, but 69.90954f * (1 / 0.97775584f) = 71.5.
    assertEquals(71 * 0.97775584f, fq(0.97775584f, 0, QuantType.INT8, 69.90954f));
  }

  @Test
  void equalsQuantizeLinearThenDequantizeLinearBitForBit() {
    Random random = new Random(51);
    float[] x = new float[4096];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (random.nextGaussian() * 3);
    }
    QuantType[] types = {QuantType.INT4, QuantType.UINT4, QuantType.INT8, QuantType.UINT8};
    for (QuantType type : types) {
      QuantParams params = QuantParams.perTensor(0.037f, type.isSigned() ? -1 : 7, type);
      float[] expected =
          params.dequantize(params.quantize(FloatTensor.of(Shape.of(x.length), x))).toArray();
      FakeQuantizer quantizer = new FakeQuantizer(params);
      for (int i = 0; i < x.length; i++) {
        assertEquals(
            Float.floatToRawIntBits(expected[i]),
            Float.floatToRawIntBits(quantizer.apply(x[i])),
            type + " at x = " + x[i]);
      }
    }
  }

  @Test
  void onlyPerTensorParamsAreAccepted() {
    QuantParams perAxis = QuantParams.perAxis(0, new float[] {1f, 2f}, new int[2], QuantType.INT8);
    assertThrows(IllegalArgumentException.class, () -> new FakeQuantizer(perAxis));
  }
}
