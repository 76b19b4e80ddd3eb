package dev.quantgen.runtime.conv;

import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.IntTensor;
import dev.quantgen.runtime.numerics.Shape;

/**
 * ONNX {@code Flatten} with {@code axis = 1}: {@code [N, d1, d2, ...]} becomes {@code [N, d1 * d2 *
 * ...]}; row-major order is kept, so the values do not move.
 */
public final class Flatten {
  private Flatten() {}

  /** The flattened shape of {@code input}, which must have rank 2 or more. */
  public static Shape outputShape(Shape input) {
    if (input.rank() < 2) {
      throw new IllegalArgumentException(
          "x: shape " + input + " has rank " + input.rank() + ", expected [N, ...] with rank >= 2");
    }
    int inner = 1;
    for (int i = 1; i < input.rank(); i++) {
      inner *= input.dim(i);
    }
    return Shape.of(input.dim(0), inner);
  }

  public static FloatTensor apply(FloatTensor x) {
    return FloatTensor.of(outputShape(x.shape()), x.type(), x.toArray());
  }

  public static IntTensor apply(IntTensor x) {
    return IntTensor.of(outputShape(x.shape()), x.type(), x.toArray());
  }
}
