package dev.quantgen.examples.cnn;

import dev.quantgen.annotations.Activation;
import dev.quantgen.annotations.Conv2d;
import dev.quantgen.annotations.Dense;
import dev.quantgen.annotations.Model;
import dev.quantgen.annotations.Precision;
import dev.quantgen.annotations.Quantize;

/**
 * The {@link SplitCnnShape} CNN with every layer static INT8 (int8 activations between layers,
 * calibrated), run by {@code SplitCnnInt8_Model.calibrate}; {@code Conv2} splits across cores.
 */
@Model(
    layers = {
      SplitCnnInt8.Conv1.class,
      SplitCnnShape.Pool1.class,
      SplitCnnInt8.Conv2.class,
      SplitCnnShape.Pool2.class,
      SplitCnnShape.Flat.class,
      SplitCnnInt8.Fc.class
    })
interface SplitCnnInt8 {
  @Conv2d(
      inChannels = 1,
      outChannels = 64,
      inHeight = 16,
      inWidth = 16,
      kernel = 3,
      padding = 1,
      activation = Activation.RELU)
  @Quantize(precision = Precision.INT8)
  final class Conv1 {
    private Conv1() {}
  }

  @Conv2d(
      inChannels = 64,
      outChannels = 32,
      inHeight = 8,
      inWidth = 8,
      kernel = 3,
      padding = 1,
      activation = Activation.RELU)
  @Quantize(precision = Precision.INT8)
  final class Conv2 {
    private Conv2() {}
  }

  @Dense(in = 512, out = 10)
  @Quantize(precision = Precision.INT8)
  final class Fc {
    private Fc() {}
  }
}
