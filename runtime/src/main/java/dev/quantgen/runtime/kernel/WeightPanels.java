package dev.quantgen.runtime.kernel;

import java.util.Objects;

/**
 * A dense layer's weights in the panel layout of {@link Kernels#support()}'s batched products
 * ({@link KernelSupport#int8Panels}, {@link KernelSupport#int4Panels}), made by the first call that
 * needs them and kept: a copy beside the row-major weights the one-sample kernels read, so a layer
 * that only ever runs one sample at a time never holds it. Thread-safe: two first calls may both
 * make the panels (equal arrays) and either one is kept.
 */
public final class WeightPanels {
  private final byte[] weights;
  private final int rows;
  private final int n;
  private final boolean int4;
  private volatile byte[] panels;

  private WeightPanels(byte[] weights, int rows, int n, boolean int4) {
    this.weights = Objects.requireNonNull(weights, "weights");
    this.rows = rows;
    this.n = n;
    this.int4 = int4;
  }

  /** For int8 weights {@code [rows][n]}, row-major. */
  public static WeightPanels int8(byte[] weights, int rows, int n) {
    return new WeightPanels(weights, rows, n, false);
  }

  /**
   * For packed int4 weights, {@code (n + 1) / 2} bytes per row (the layout {@link
   * KernelSupport#gemmInt4} reads).
   */
  public static WeightPanels int4(byte[] weights, int rows, int n) {
    return new WeightPanels(weights, rows, n, true);
  }

  /** The panels, made on first use. */
  public byte[] get() {
    byte[] p = panels;
    if (p == null) {
      KernelSupport k = Kernels.support();
      p = int4 ? k.int4Panels(weights, rows, n) : k.int8Panels(weights, rows, n);
      panels = p;
    }
    return p;
  }
}
