package dev.quantgen.examples.residual;

import dev.quantgen.annotations.Add;
import dev.quantgen.annotations.Flatten;
import dev.quantgen.annotations.MaxPool2d;

/**
 * The layers without weights every {@code ResidualFashion*} model shares, whatever its precision:
 * the pools, the residual connection {@link Skip} (the block's output plus {@link Pool1}'s, the
 * block's input) and the flatten. The convolution and dense layers live in each model's own file,
 * with the same simple names, so one weights file binds every model.
 */
final class ResidualFashionShape {
  private ResidualFashionShape() {}

  /** Input values per sample: one 28x28 channel. */
  static final int INPUT_SIZE = 28 * 28;

  @MaxPool2d(channels = 16, inHeight = 28, inWidth = 28, kernel = 2, stride = 2)
  static final class Pool1 {
    private Pool1() {}
  }

  /** {@code Pointwise}'s output plus the residual block's input. */
  @Add(channels = 16, height = 14, width = 14, from = Pool1.class)
  static final class Skip {
    private Skip() {}
  }

  @MaxPool2d(channels = 16, inHeight = 14, inWidth = 14, kernel = 2, stride = 2)
  static final class Pool2 {
    private Pool2() {}
  }

  @Flatten(channels = 32, height = 7, width = 7)
  static final class Flat {
    private Flat() {}
  }
}
