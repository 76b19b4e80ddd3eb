package dev.quantgen.cli.conformance;

import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.FloatType;
import dev.quantgen.runtime.numerics.Half;
import dev.quantgen.runtime.numerics.IntTensor;
import dev.quantgen.runtime.numerics.Shape;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Compares an expected tensor with an actual one: same dtype, same shape, and every element equal
 * (integers exactly, floats bit for bit, so {@code -0.0} differs from {@code 0.0} and NaN payloads
 * count). A difference is described by the first differing element.
 */
final class TensorComparison {
  private TensorComparison() {}

  /** Empty when equal, else what differs. */
  static Optional<String> difference(TensorValue expected, TensorValue actual) {
    if (!expected.dtype().equals(actual.dtype())) {
      return Optional.of("dtype: expected " + expected.dtype() + ", actual " + actual.dtype());
    }
    if (!expected.shape().equals(actual.shape())) {
      return Optional.of("shape: expected " + expected.shape() + ", actual " + actual.shape());
    }
    Shape shape = expected.shape();
    int first = -1;
    int count = 0;
    for (int i = 0; i < shape.size(); i++) {
      if (!sameElement(expected, actual, i)) {
        count++;
        if (first < 0) {
          first = i;
        }
      }
    }
    if (count == 0) {
      return Optional.empty();
    }
    return Optional.of(
        count
            + " of "
            + shape.size()
            + " elements differ; first at index "
            + first
            + " "
            + Arrays.toString(multiIndex(shape, first))
            + ": expected "
            + element(expected, first)
            + ", actual "
            + element(actual, first));
  }

  private static boolean sameElement(TensorValue expected, TensorValue actual, int i) {
    if (expected instanceof TensorValue.Ints e && actual instanceof TensorValue.Ints a) {
      return e.tensor().get(i) == a.tensor().get(i);
    }
    FloatTensor e = ((TensorValue.Floats) expected).tensor();
    FloatTensor a = ((TensorValue.Floats) actual).tensor();
    return Float.floatToRawIntBits(e.get(i)) == Float.floatToRawIntBits(a.get(i));
  }

  private static String element(TensorValue t, int i) {
    if (t instanceof TensorValue.Ints ints) {
      IntTensor it = ints.tensor();
      return Integer.toString(it.get(i));
    }
    FloatTensor f = ((TensorValue.Floats) t).tensor();
    float v = f.get(i);
    String bits =
        f.type() == FloatType.FLOAT16
            ? String.format(Locale.ROOT, "0x%04x", Half.fromFloat(v) & 0xffff)
            : String.format(Locale.ROOT, "0x%08x", Float.floatToRawIntBits(v));
    return v + " (" + bits + ")";
  }

  private static int[] multiIndex(Shape shape, int flat) {
    int[] index = new int[shape.rank()];
    for (int d = shape.rank() - 1; d >= 0; d--) {
      index[d] = flat % shape.dim(d);
      flat /= shape.dim(d);
    }
    return index;
  }
}
