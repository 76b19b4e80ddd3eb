package dev.quantgen.examples.fashion;

import dev.quantgen.annotations.Activation;
import dev.quantgen.annotations.Conv2d;
import dev.quantgen.annotations.Dense;
import dev.quantgen.annotations.Model;
import dev.quantgen.annotations.Precision;
import dev.quantgen.annotations.Quantize;

/**
 * The {@link FashionCnn} with every convolution and dense layer at FP16: {@code Conv1} 1 -> 16 3x3
 * (pad 1, ReLU), {@code Pool1}, {@code Conv2} 16 -> 32 3x3 (pad 1, ReLU), {@code Pool2}, {@code
 * Flat}, {@code Fc1} 1568 -> 128 (ReLU) and {@code Fc2} 128 -> 10.
 */
@Model(
    layers = {
      FashionCnnFp16.Conv1.class,
      FashionCnnShape.Pool1.class,
      FashionCnnFp16.Conv2.class,
      FashionCnnShape.Pool2.class,
      FashionCnnShape.Flat.class,
      FashionCnnFp16.Fc1.class,
      FashionCnnFp16.Fc2.class
    })
public interface FashionCnnFp16 {
  @Conv2d(
      inChannels = 1,
      outChannels = 16,
      inHeight = 28,
      inWidth = 28,
      kernel = 3,
      padding = 1,
      activation = Activation.RELU)
  @Quantize(precision = Precision.FP16)
  final class Conv1 {
    private Conv1() {}
  }

  @Conv2d(
      inChannels = 16,
      outChannels = 32,
      inHeight = 14,
      inWidth = 14,
      kernel = 3,
      padding = 1,
      activation = Activation.RELU)
  @Quantize(precision = Precision.FP16)
  final class Conv2 {
    private Conv2() {}
  }

  @Dense(in = 1568, out = 128, activation = Activation.RELU)
  @Quantize(precision = Precision.FP16)
  final class Fc1 {
    private Fc1() {}
  }

  @Dense(in = 128, out = 10)
  @Quantize(precision = Precision.FP16)
  final class Fc2 {
    private Fc2() {}
  }
}
