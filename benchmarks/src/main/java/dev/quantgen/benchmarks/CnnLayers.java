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
 * The layers of the Fashion-MNIST CNN (conv1 1->16 5x5, ReLU, maxpool 2, conv2 16->32 5x5, ReLU,
 * maxpool 2, fc1 512->128, ReLU, fc2 128->10) and one larger 3x3 convolution, each generated at
 * FP32 and INT8 (the precisions the processor generates for convolutions). Only their shapes
 * matter here: the benchmarks give them seeded random weights.
 */
final class CnnLayers {
  private CnnLayers() {}

  @Conv2d(inChannels = 1, outChannels = 16, inHeight = 28, inWidth = 28, kernel = 5, activation = Activation.RELU)
  @Quantize(precision = Precision.INT8)
  static final class Conv1 {
    private Conv1() {}
  }

  @MaxPool2d(channels = 16, inHeight = 24, inWidth = 24, kernel = 2, stride = 2)
  static final class Pool1 {
    private Pool1() {}
  }

  /** The CNN's conv2: 16 -> 32 channels, 5x5, on 12x12 (0.82 M multiply-adds). */
  @Conv2d(inChannels = 16, outChannels = 32, inHeight = 12, inWidth = 12, kernel = 5, activation = Activation.RELU)
  @Quantize(precision = Precision.INT8)
  static final class Conv2 {
    private Conv2() {}
  }

  @MaxPool2d(channels = 32, inHeight = 8, inWidth = 8, kernel = 2, stride = 2)
  static final class Pool2 {
    private Pool2() {}
  }

  @Flatten(channels = 32, height = 4, width = 4)
  static final class Flat {
    private Flat() {}
  }

  @Dense(in = 512, out = 128, activation = Activation.RELU)
  @Quantize(precision = Precision.INT8)
  static final class Fc1 {
    private Fc1() {}
  }

  @Dense(in = 128, out = 10)
  @Quantize(precision = Precision.INT8)
  static final class Fc2 {
    private Fc2() {}
  }

  /** A larger convolution: 64 -> 64 channels, 3x3, same padding, on 28x28 (28.9 M multiply-adds). */
  @Conv2d(inChannels = 64, outChannels = 64, inHeight = 28, inWidth = 28, kernel = 3, paddingMode = Padding.SAME,
      activation = Activation.RELU)
  @Quantize(precision = Precision.INT8)
  static final class Conv3x3 {
    private Conv3x3() {}
  }
}
