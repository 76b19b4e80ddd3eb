package dev.quantgen.examples.cnn;

import dev.quantgen.annotations.Activation;
import dev.quantgen.annotations.Activations;
import dev.quantgen.annotations.Conv2d;
import dev.quantgen.annotations.Dense;
import dev.quantgen.annotations.Model;
import dev.quantgen.annotations.Precision;
import dev.quantgen.annotations.Quantize;

/**
 * The {@link SplitCnnShape} CNN with BINARY weights: {@code Conv1} and {@code Fc} add signed float
 * activations, {@code Conv2} binarizes its input too (XNOR and popcount); run by {@code
 * SplitCnnBinary_Model.floats}.
 */
@Model(
    layers = {
      SplitCnnBinary.Conv1.class,
      SplitCnnShape.Pool1.class,
      SplitCnnBinary.Conv2.class,
      SplitCnnShape.Pool2.class,
      SplitCnnShape.Flat.class,
      SplitCnnBinary.Fc.class
    })
interface SplitCnnBinary {
  @Conv2d(
      inChannels = 1,
      outChannels = 64,
      inHeight = 16,
      inWidth = 16,
      kernel = 3,
      padding = 1,
      activation = Activation.RELU)
  @Quantize(precision = Precision.BINARY)
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
  @Quantize(precision = Precision.BINARY, activations = Activations.BINARY)
  final class Conv2 {
    private Conv2() {}
  }

  @Dense(in = 512, out = 10)
  @Quantize(precision = Precision.BINARY)
  final class Fc {
    private Fc() {}
  }
}
