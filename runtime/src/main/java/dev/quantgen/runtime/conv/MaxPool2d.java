package dev.quantgen.runtime.conv;

import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.IntTensor;
import dev.quantgen.runtime.numerics.Shape;
import java.util.Objects;

/**
 * The reference 2-D max pooling (ONNX {@code MaxPool}, {@code ceil_mode = 0}) over NCHW input: each
 * output is the largest input in its window. Padded cells never win (they are not read), so padding
 * needs no "minus infinity" value.
 *
 * <p>The integer form pools quantized values directly: with one scale {@code s > 0} and zero point
 * for the whole tensor, {@code q = saturate(rint(x / s) + z)} is monotone non-decreasing, so the
 * max of the quantized values is the quantization of the max. Input and output share the
 * parameters.
 *
 * <p>NaN: a window containing NaN gives NaN (as {@code Math.max}). Immutable and thread-safe.
 */
public final class MaxPool2d {
  private final Window2d window;

  public MaxPool2d(Window2d window) {
    this.window = Objects.requireNonNull(window, "window");
  }

  public Window2d window() {
    return window;
  }

  /** The output shape for an input of shape {@code [N, C, H, W]}. */
  public Shape outputShape(Shape input) {
    int[] d = Nchw.require("x", input);
    WindowGeometry g = window.resolve(d[2], d[3]);
    return Shape.of(d[0], d[1], g.outHeight(), g.outWidth());
  }

  /** Pools a float tensor {@code [N, C, H, W]}. */
  public FloatTensor apply(FloatTensor x) {
    Shape out = outputShape(x.shape());
    float[] xv = x.toArray();
    float[] y = new float[out.size()];
    Windows.forEach(
        window,
        x.shape(),
        (o, cells, count) -> {
          float best = xv[cells[0]];
          for (int i = 1; i < count; i++) {
            best = Math.max(best, xv[cells[i]]);
          }
          y[o] = best;
        });
    return FloatTensor.of(out, y);
  }

  /**
   * Pools a quantized tensor {@code [N, C, H, W]} of any integer type; the output has the same
   * type.
   */
  public IntTensor apply(IntTensor x) {
    Shape out = outputShape(x.shape());
    int[] xv = x.toArray();
    int[] y = new int[out.size()];
    Windows.forEach(
        window,
        x.shape(),
        (o, cells, count) -> {
          int best = xv[cells[0]];
          for (int i = 1; i < count; i++) {
            best = Math.max(best, xv[cells[i]]);
          }
          y[o] = best;
        });
    return IntTensor.of(out, x.type(), y);
  }
}
