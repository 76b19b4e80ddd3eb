package dev.quantgen.runtime.conv;

import dev.quantgen.quantize.reference.ConvAttributes;
import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.IntTensor;
import dev.quantgen.runtime.numerics.QuantType;
import dev.quantgen.runtime.numerics.Shape;
import java.util.Random;

/**
 * Helpers shared by the tests of this package: random tensors and the ONNX attributes of a window.
 */
final class ConvTesting {
  private ConvTesting() {}

  /**
   * The ONNX attributes describing {@code window} with {@code groups}, for the numerics references.
   */
  static ConvAttributes attributes(Window2d window, int groups) {
    ConvAttributes.Builder b =
        ConvAttributes.builder()
            .strides(window.strideHeight(), window.strideWidth())
            .dilations(window.dilationHeight(), window.dilationWidth())
            .group(groups);
    switch (window.padMode()) {
      case EXPLICIT ->
          b.pads(window.padTop(), window.padLeft(), window.padBottom(), window.padRight());
      case SAME_UPPER -> b.autoPad(ConvAttributes.AutoPad.SAME_UPPER);
      case SAME_LOWER -> b.autoPad(ConvAttributes.AutoPad.SAME_LOWER);
    }
    return b.build();
  }

  /**
   * A random window of kernel up to 3x3 (odd and even), strides up to 3, dilations up to 2, any pad
   * mode.
   */
  static Window2d randomWindow(Random r) {
    Window2d w =
        Window2d.of(1 + r.nextInt(3), 1 + r.nextInt(3))
            .withStrides(1 + r.nextInt(3), 1 + r.nextInt(3))
            .withDilations(1 + r.nextInt(2), 1 + r.nextInt(2));
    return switch (r.nextInt(3)) {
      case 0 -> w.withPads(r.nextInt(3), r.nextInt(3), r.nextInt(3), r.nextInt(3));
      case 1 -> w.withPadMode(PadMode.SAME_UPPER);
      default -> w.withPadMode(PadMode.SAME_LOWER);
    };
  }

  /** Integers in [lo, hi] held as floats: float sums of them are exact while below 2^24. */
  static FloatTensor integerFloats(Random r, Shape shape, int lo, int hi) {
    float[] v = new float[shape.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = lo + r.nextInt(hi - lo + 1);
    }
    return FloatTensor.of(shape, v);
  }

  static FloatTensor gaussian(Random r, Shape shape, double sigma) {
    float[] v = new float[shape.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (r.nextGaussian() * sigma);
    }
    return FloatTensor.of(shape, v);
  }

  static IntTensor int8(Random r, Shape shape) {
    int[] v = new int[shape.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = r.nextInt(256) - 128;
    }
    return IntTensor.of(shape, QuantType.INT8, v);
  }

  static IntTensor toInt8(FloatTensor integral) {
    int[] v = new int[integral.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = (int) integral.get(i);
    }
    return IntTensor.of(integral.shape(), QuantType.INT8, v);
  }
}
