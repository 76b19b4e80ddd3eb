package dev.quantgen.examples.fashion;

import dev.quantgen.annotations.Flatten;
import dev.quantgen.annotations.MaxPool2d;

/**
 * The layers without weights every {@code FashionCnn*} model shares, whatever its precision: the
 * two pools and the flatten. The convolution and dense layers live in each model's own file, with
 * the same simple names ({@code Conv1}, {@code Conv2}, {@code Fc1}, {@code Fc2}), so one weights
 * map binds every model.
 */
final class FashionCnnShape {
  private FashionCnnShape() {}

  @MaxPool2d(channels = 16, inHeight = 28, inWidth = 28, kernel = 2, stride = 2)
  static final class Pool1 {
    private Pool1() {}
  }

  @MaxPool2d(channels = 32, inHeight = 14, inWidth = 14, kernel = 2, stride = 2)
  static final class Pool2 {
    private Pool2() {}
  }

  @Flatten(channels = 32, height = 7, width = 7)
  static final class Flat {
    private Flat() {}
  }
}
