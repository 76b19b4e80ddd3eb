package dev.quantgen.benchmarks;

import dev.quantgen.annotations.Activation;
import dev.quantgen.annotations.Conv2d;
import dev.quantgen.annotations.Dense;
import dev.quantgen.annotations.Flatten;
import dev.quantgen.annotations.MaxPool2d;
import dev.quantgen.annotations.Padding;
import dev.quantgen.annotations.Precision;
import dev.quantgen.annotations.Quantize;

/**
 * The layers of the Fashion-MNIST CNN of the examples (conv1 1->16 3x3 same, ReLU, maxpool 2, conv2
 * 16->32 3x3 same, ReLU, maxpool 2, fc1 1568->128, ReLU, fc2 128->10) and one larger 3x3
 * convolution, each generated at FP32 and INT8 (the precisions the processor generates for
 * convolutions). Only their shapes matter here: the benchmarks give them seeded random weights.
 */
final class CnnLayers {
  private CnnLayers() {}

  @Conv2d(
      inChannels = 1,
      outChannels = 16,
      inHeight = 28,
      inWidth = 28,
      kernel = 3,
      paddingMode = Padding.SAME,
      activation = Activation.RELU)
  @Quantize(precision = Precision.INT8)
  static final class Conv1 {
    private Conv1() {}
  }

  @MaxPool2d(channels = 16, inHeight = 28, inWidth = 28, kernel = 2, stride = 2)
  static final class Pool1 {
    private Pool1() {}
  }

  /** The CNN's conv2: 16 -> 32 channels, 3x3 same, on 14x14 (0.90 M multiply-adds). */
  @Conv2d(
      inChannels = 16,
      outChannels = 32,
      inHeight = 14,
      inWidth = 14,
      kernel = 3,
      paddingMode = Padding.SAME,
      activation = Activation.RELU)
  @Quantize(precision = Precision.INT8)
  static final class Conv2 {
    private Conv2() {}
  }

  @MaxPool2d(channels = 32, inHeight = 14, inWidth = 14, kernel = 2, stride = 2)
  static final class Pool2 {
    private Pool2() {}
  }

  @Flatten(channels = 32, height = 7, width = 7)
  static final class Flat {
    private Flat() {}
  }

  @Dense(in = 1568, out = 128, activation = Activation.RELU)
  @Quantize(precision = Precision.INT8)
  static final class Fc1 {
    private Fc1() {}
  }

  @Dense(in = 128, out = 10)
  @Quantize(precision = Precision.INT8)
  static final class Fc2 {
    private Fc2() {}
  }

  /**
   * A larger convolution: 64 -> 64 channels, 3x3, same padding, on 28x28 (28.9 M multiply-adds).
   */
  @Conv2d(
      inChannels = 64,
      outChannels = 64,
      inHeight = 28,
      inWidth = 28,
      kernel = 3,
      paddingMode = Padding.SAME,
      activation = Activation.RELU)
  @Quantize(precision = Precision.INT8)
  static final class Conv3x3 {
    private Conv3x3() {}
  }
}
