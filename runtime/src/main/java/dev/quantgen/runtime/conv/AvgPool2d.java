package dev.quantgen.runtime.conv;

import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.Shape;
import java.util.Objects;

/**
 * The FP32 reference 2-D average pooling (ONNX {@code AveragePool}, {@code ceil_mode = 0}) over
 * NCHW input. The window's in-bounds cells are summed in float32, row by row, then divided by the
 * divisor: the number of in-bounds cells ({@code count_include_pad = 0}, the ONNX default) or the
 * full kernel size ({@code count_include_pad = 1}, padded cells counting as 0). Immutable.
 */
public final class AvgPool2d {
  private final Window2d window;
  private final boolean countIncludePad;

  public AvgPool2d(Window2d window, boolean countIncludePad) {
    this.window = Objects.requireNonNull(window, "window");
    this.countIncludePad = countIncludePad;
  }

  public Window2d window() {
    return window;
  }

  public boolean countIncludePad() {
    return countIncludePad;
  }

  /** The output shape for an input of shape {@code [N, C, H, W]}. */
  public Shape outputShape(Shape input) {
    int[] d = Nchw.require("x", input);
    WindowGeometry g = window.resolve(d[2], d[3]);
    return Shape.of(d[0], d[1], g.outHeight(), g.outWidth());
  }

  /** Pools {@code x} of shape {@code [N, C, H, W]}. */
  public FloatTensor apply(FloatTensor x) {
    Shape out = outputShape(x.shape());
    float[] xv = x.toArray();
    float[] y = new float[out.size()];
    int kernelCells = window.kernelHeight() * window.kernelWidth();
    Windows.forEach(
        window,
        x.shape(),
        (o, cells, count) -> {
          float sum = 0f;
          for (int i = 0; i < count; i++) {
            sum += xv[cells[i]];
          }
          y[o] = sum / (countIncludePad ? kernelCells : count);
        });
    return FloatTensor.of(out, y);
  }
}
