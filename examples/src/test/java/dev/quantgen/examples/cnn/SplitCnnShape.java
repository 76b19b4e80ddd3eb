package dev.quantgen.examples.cnn;

import dev.quantgen.annotations.Flatten;
import dev.quantgen.annotations.MaxPool2d;

/**
 * The layers every {@code SplitCnn*} model shares, whatever its precision: a test-only CNN on one
 * 16x16 channel, {@code Conv1} 1 -> 64 3x3 (ReLU, padding 1), {@link Pool1} 2x2, {@code Conv2} 64
 * -> 32 3x3 (ReLU, padding 1), {@link Pool2} 2x2, {@link Flat} (32 x 4 x 4 = 512), {@code Fc} 512
 * -> 10.
 *
 * <p>{@code Conv2} has a fan-in of 576 (above the 512 up to which static integer convolutions sum
 * exactly in float on the blocked kernel) and 576 x 32 x 8 x 8 = 1,179,648 multiply-adds (above the
 * 2^20 of {@code Rows.MIN_PARALLEL_MACS}): its static INT8 and INT4 kernels gather receptive fields
 * and split the output channels of one sample across cores. The convolution and dense layers live
 * in each model's own file, with the same simple names, so one weights file binds every model.
 */
final class SplitCnnShape {
  private SplitCnnShape() {}

  /** Input values per sample: one 16x16 channel. */
  static final int INPUT_SIZE = 16 * 16;

  /** Scores per sample. */
  static final int OUTPUT_SIZE = 10;

  @MaxPool2d(channels = 64, inHeight = 16, inWidth = 16, kernel = 2, stride = 2)
  static final class Pool1 {
    private Pool1() {}
  }

  @MaxPool2d(channels = 32, inHeight = 8, inWidth = 8, kernel = 2, stride = 2)
  static final class Pool2 {
    private Pool2() {}
  }

  @Flatten(channels = 32, height = 4, width = 4)
  static final class Flat {
    private Flat() {}
  }
}
