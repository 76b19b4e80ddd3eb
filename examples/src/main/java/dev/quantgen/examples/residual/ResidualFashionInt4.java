package dev.quantgen.examples.residual;

import dev.quantgen.annotations.Activation;
import dev.quantgen.annotations.Conv2d;
import dev.quantgen.annotations.Dense;
import dev.quantgen.annotations.Model;
import dev.quantgen.annotations.Precision;
import dev.quantgen.annotations.Quantize;

/**
 * The {@link ResidualFashion} network with every convolution and dense layer at INT4: {@code Stem}
 * 1 -> 16 3x3 (ReLU), {@code Pool1}, the depthwise-separable block ({@code Depthwise} 3x3 with
 * {@code groups = 16}, ReLU; {@code Pointwise} 1x1 16 -> 16) and its skip connection {@code Skip},
 * {@code Pool2}, {@code Expand} 16 -> 32 3x3 (ReLU), {@code Flat} and {@code Head} 1568 -> 10.
 */
@Model(
    layers = {
      ResidualFashionInt4.Stem.class,
      ResidualFashionShape.Pool1.class,
      ResidualFashionInt4.Depthwise.class,
      ResidualFashionInt4.Pointwise.class,
      ResidualFashionShape.Skip.class,
      ResidualFashionShape.Pool2.class,
      ResidualFashionInt4.Expand.class,
      ResidualFashionShape.Flat.class,
      ResidualFashionInt4.Head.class
    })
public interface ResidualFashionInt4 {
  @Conv2d(
      inChannels = 1,
      outChannels = 16,
      inHeight = 28,
      inWidth = 28,
      kernel = 3,
      padding = 1,
      activation = Activation.RELU)
  @Quantize(precision = Precision.INT4)
  final class Stem {
    private Stem() {}
  }

  @Conv2d(
      inChannels = 16,
      outChannels = 16,
      inHeight = 14,
      inWidth = 14,
      kernel = 3,
      padding = 1,
      groups = 16,
      activation = Activation.RELU)
  @Quantize(precision = Precision.INT4)
  final class Depthwise {
    private Depthwise() {}
  }

  @Conv2d(inChannels = 16, outChannels = 16, inHeight = 14, inWidth = 14, kernel = 1)
  @Quantize(precision = Precision.INT4)
  final class Pointwise {
    private Pointwise() {}
  }

  @Conv2d(
      inChannels = 16,
      outChannels = 32,
      inHeight = 7,
      inWidth = 7,
      kernel = 3,
      padding = 1,
      activation = Activation.RELU)
  @Quantize(precision = Precision.INT4)
  final class Expand {
    private Expand() {}
  }

  @Dense(in = 1568, out = 10)
  @Quantize(precision = Precision.INT4)
  final class Head {
    private Head() {}
  }
}
