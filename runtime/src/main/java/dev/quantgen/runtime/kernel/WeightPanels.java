package dev.quantgen.runtime.kernel;

import java.util.Objects;

/**
 * A dense layer's weights in the panel layout of {@link Kernels#support()}'s batched products
 * ({@link KernelSupport#int8Panels}, {@link KernelSupport#int4Panels}, {@link
 * KernelSupport#floatPanels}, {@link KernelSupport#halfPanels}, {@link KernelSupport#signPanels}),
 * made by the first call that needs them and kept: a copy beside the row-major weights the
 * one-sample kernels read, so a layer that only ever runs one sample at a time never holds it.
 * Thread-safe: two first calls may both make the panels (equal arrays) and either one is kept.
 */
public final class WeightPanels {
  /** The weights' element type, which names the support's packing method. */
  private enum Kind {
    INT8,
    INT4,
    FP32,
    FP16,
    SIGNS
  }

  private final Object weights;
  private final int rows;
  private final int n;
  private final Kind kind;
  private volatile Object panels;

  private WeightPanels(Object weights, int rows, int n, Kind kind) {
    this.weights = Objects.requireNonNull(weights, "weights");
    this.rows = rows;
    this.n = n;
    this.kind = kind;
  }

  /** For int8 weights {@code [rows][n]}, row-major. */
  public static WeightPanels int8(byte[] weights, int rows, int n) {
    return new WeightPanels(weights, rows, n, Kind.INT8);
  }

  /**
   * For packed int4 weights, {@code (n + 1) / 2} bytes per row (the layout {@link
   * KernelSupport#gemmInt4} reads).
   */
  public static WeightPanels int4(byte[] weights, int rows, int n) {
    return new WeightPanels(weights, rows, n, Kind.INT4);
  }

  /** For float weights {@code [rows][n]}, row-major. */
  public static WeightPanels fp32(float[] weights, int rows, int n) {
    return new WeightPanels(weights, rows, n, Kind.FP32);
  }

  /** For binary16 weights {@code [rows][n]}, row-major. */
  public static WeightPanels fp16(short[] weights, int rows, int n) {
    return new WeightPanels(weights, rows, n, Kind.FP16);
  }

  /**
   * For binary weights: sign rows of {@code (n + 63) / 64} longs each, bit {@code i % 64} of word
   * {@code i / 64} set for a weight +1 (the layout {@link KernelSupport#dotSigns} reads).
   */
  public static WeightPanels binary(long[] weights, int rows, int n) {
    return new WeightPanels(weights, rows, n, Kind.SIGNS);
  }

  /** The int8 or int4 panels, made on first use. */
  public byte[] get() {
    return (byte[]) panels(Kind.INT8, Kind.INT4);
  }

  /** The float panels, made on first use. */
  public float[] floats() {
    return (float[]) panels(Kind.FP32, Kind.FP32);
  }

  /** The binary16 panels, made on first use. */
  public short[] halves() {
    return (short[]) panels(Kind.FP16, Kind.FP16);
  }

  /** The sign panels, made on first use. */
  public int[] signs() {
    return (int[]) panels(Kind.SIGNS, Kind.SIGNS);
  }

  private Object panels(Kind expected, Kind orExpected) {
    if (kind != expected && kind != orExpected) {
      throw new IllegalStateException("these panels hold " + kind + " weights");
    }
    Object p = panels;
    if (p == null) {
      KernelSupport k = Kernels.support();
      switch (kind) {
        case INT8:
          p = k.int8Panels((byte[]) weights, rows, n);
          break;
        case INT4:
          p = k.int4Panels((byte[]) weights, rows, n);
          break;
        case FP32:
          p = k.floatPanels((float[]) weights, rows, n);
          break;
        case FP16:
          p = k.halfPanels((short[]) weights, rows, n);
          break;
        default:
          p = k.signPanels((long[]) weights, (n + 63) / 64, rows, n);
          break;
      }
      panels = p;
    }
    return p;
  }
}
