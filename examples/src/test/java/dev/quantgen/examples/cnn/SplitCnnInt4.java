package dev.quantgen.examples.cnn;

import dev.quantgen.annotations.Activation;
import dev.quantgen.annotations.Activations;
import dev.quantgen.annotations.Conv2d;
import dev.quantgen.annotations.Dense;
import dev.quantgen.annotations.Model;
import dev.quantgen.annotations.Precision;
import dev.quantgen.annotations.Quantize;

/**
 * The {@link SplitCnnShape} CNN with static INT4 convolutions (int8 activations, calibrated) and a
 * dynamic INT4 {@code Fc} that runs in float between int8 neighbours, run by {@code
 * SplitCnnInt4_Model.calibrate}; {@code Conv2} splits across cores.
 */
@Model(
    layers = {
      SplitCnnInt4.Conv1.class,
      SplitCnnShape.Pool1.class,
      SplitCnnInt4.Conv2.class,
      SplitCnnShape.Pool2.class,
      SplitCnnShape.Flat.class,
      SplitCnnInt4.Fc.class
    })
interface SplitCnnInt4 {
  @Conv2d(
      inChannels = 1,
      outChannels = 64,
      inHeight = 16,
      inWidth = 16,
      kernel = 3,
      padding = 1,
      activation = Activation.RELU)
  @Quantize(precision = Precision.INT4)
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
  @Quantize(precision = Precision.INT4)
  final class Conv2 {
    private Conv2() {}
  }

  @Dense(in = 512, out = 10)
  @Quantize(precision = Precision.INT4, activations = Activations.DYNAMIC)
  final class Fc {
    private Fc() {}
  }
}
