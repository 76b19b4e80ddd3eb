package dev.quantgen.runtime.conv;

import dev.quantgen.runtime.numerics.Shape;

/** Argument checks for {@code [N, C, H, W]} tensors, shared by the layers of this package. */
final class Nchw {
  private Nchw() {}

  /** Checks that {@code x} is rank 4 with {@code channels} channels and returns its dimensions. */
  static int[] require(String name, Shape x, int channels) {
    if (x.rank() != 4) {
      throw new IllegalArgumentException(
          name + ": shape " + x + " has rank " + x.rank() + ", expected [N, C, H, W]");
    }
    if (x.dim(1) != channels) {
      throw new IllegalArgumentException(
          name + ": shape " + x + " has " + x.dim(1) + " channels, expected " + channels);
    }
    return x.dims();
  }

  /** Checks that a pooling input is rank 4 and returns its dimensions. */
  static int[] require(String name, Shape x) {
    if (x.rank() != 4) {
      throw new IllegalArgumentException(
          name + ": shape " + x + " has rank " + x.rank() + ", expected [N, C, H, W]");
    }
    return x.dims();
  }
}
