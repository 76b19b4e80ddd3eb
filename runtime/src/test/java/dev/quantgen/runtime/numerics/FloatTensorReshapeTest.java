package dev.quantgen.runtime.numerics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Reshaping shares the immutable values, so one weight can serve many layers without copies. */
class FloatTensorReshapeTest {
  @Test
  void reshapeKeepsTheValuesInRowMajorOrder() {
    FloatTensor t = FloatTensor.of(Shape.of(6), 1, 2, 3, 4, 5, 6);
    FloatTensor r = t.reshape(Shape.of(2, 3));
    assertEquals(Shape.of(2, 3), r.shape());
    assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, r.toArray());
    assertEquals(FloatType.FLOAT32, r.type());
  }

  @Test
  void reshapeToTheSameShapeIsTheSameTensor() {
    FloatTensor t = FloatTensor.of(Shape.of(2, 2), 1, 2, 3, 4);
    assertSame(t, t.reshape(Shape.of(2, 2)));
  }

  @Test
  void reshapeToAnotherSizeIsRejected() {
    FloatTensor t = FloatTensor.of(Shape.of(2, 2), 1, 2, 3, 4);
    assertEquals(
        "tensor of shape [2, 2] cannot be reshaped to [5]: expected 4 elements",
        assertThrows(IllegalArgumentException.class, () -> t.reshape(Shape.of(5))).getMessage());
  }
}
