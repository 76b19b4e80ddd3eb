package dev.quantgen.cli.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The ratio table of one bench run: each quantgen kernel against the best FP32 kernel of the
 * project at the same shape and batch, against the runtime's generic loop of its precision, and
 * against ONNX Runtime (INT8 for integer and binary kernels, FP32 for float ones), plus G MAC/s and
 * the fraction of this machine's roofline: the larger of {@code weight bytes / bandwidth} and
 * {@code MACs / arithmetic peak} (weights that stay in cache: the peak only), over the measured
 * time. Ratios are speed ratios ({@code > 1}: faster), and only measurements of the same run are
 * compared.
 */
public final class BenchTable {
  /**
   * Arithmetic peaks per core in G MAC/s, measured in the same run by the bench's roofline probes:
   * float FMA throughput (independent chains in registers at the kernels' vector width), the int8
   * widening loop and XOR + popcount (kernel loops on L1-resident data).
   */
  public record Peaks(double fp32, double int8, double binary) {
    /**
     * The bound of an INT8 or INT4 row: the larger of the int8 loop and the FMA peak, since the
     * batched integer products run float FMAs over panels converted to exact floats.
     */
    public double integer() {
      return Math.max(int8, fp32);
    }

    /**
     * @throws IllegalArgumentException if a peak is not positive
     */
    public Peaks {
      if (!(fp32 > 0) || !(int8 > 0) || !(binary > 0)) {
        throw new IllegalArgumentException(
            "peaks: expected > 0 G MAC/s each, got fp32 "
                + fp32
                + ", int8 "
                + int8
                + ", binary "
                + binary);
      }
    }
  }

  /**
   * Weights below this stay in this machine's 32 MiB L3 across calls, so main memory does not bound
   * them: their roofline is the arithmetic peak alone.
   */
  static final double CACHE_RESIDENT_BYTES = 16 << 20;

  private final List<Measurement> runs;
  private final double bytesPerSecond;
  private final int threads;
  private final Peaks peaks;

  /**
   * @param bytesPerSecond the streaming read bandwidth measured in the same run
   * @param threads the cores the kernels used
   * @param peaks the per-core arithmetic peaks measured in the same run
   */
  public BenchTable(List<Measurement> runs, double bytesPerSecond, int threads, Peaks peaks) {
    if (!(bytesPerSecond > 0)) {
      throw new IllegalArgumentException("bytesPerSecond: expected > 0, got " + bytesPerSecond);
    }
    if (threads < 1) {
      throw new IllegalArgumentException("threads: expected >= 1, got " + threads);
    }
    this.runs = List.copyOf(runs);
    this.bytesPerSecond = bytesPerSecond;
    this.threads = threads;
    this.peaks = java.util.Objects.requireNonNull(peaks, "peaks");
  }

  /** Bytes of one weight at a precision. */
  static double weightBytes(String precision) {
    switch (precision) {
      case "FP32":
        return 4;
      case "FP16":
        return 2;
      case "INT8":
        return 1;
      case "INT4":
        return 0.5;
      case "BINARY":
        return 1.0 / 8;
      default:
        throw new IllegalArgumentException(
            "precision: expected FP32, FP16, INT8, INT4 or BINARY, got " + precision);
    }
  }

  /**
   * The best possible time over the measured time: the weights read from memory once per call (a
   * batched product reuses each weight across the batch, so once per call is the least traffic any
   * kernel can have), or the multiply-adds at the arithmetic peak, whichever takes longer.
   */
  double roofline(Measurement m) {
    double macs = (double) m.batch() * m.in() * m.out();
    double bytes = m.in() * (double) m.out() * weightBytes(m.precision());
    double peak =
        m.precision().equals("BINARY")
            ? peaks.binary()
            : m.precision().startsWith("FP") ? peaks.fp32() : peaks.integer();
    double memory =
        !isDense(m) || m.in() * (double) m.out() * weightBytes(m.precision()) < CACHE_RESIDENT_BYTES
            ? 0
            : bytes / bytesPerSecond;
    double seconds = Math.max(memory, macs / (peak * 1e9 * cores(m)));
    return seconds / (m.micros() * 1e-6);
  }

  /**
   * The cores a row's kernel runs on: one for a convolution layer (one sample per call, never split
   * across threads), the run's thread count for every other row.
   */
  int cores(Measurement m) {
    return m.kernel().startsWith("conv-") ? 1 : threads;
  }

  /**
   * Whether {@code in x out} of a row is a dense layer's weight matrix ({@code generated}, {@code
   * generic}, {@code onnxruntime}, {@code lucene-1t}); model and convolution rows ({@code mlp-*},
   * {@code cnn-*}, {@code conv-*}) give {@code 1 x MACs per sample} instead, and their weights stay
   * in cache (the largest, the CNN's, are 1.3 MB at FP32), so only the arithmetic peak bounds them.
   */
  static boolean isDense(Measurement m) {
    return !(m.kernel().startsWith("mlp-")
        || m.kernel().startsWith("cnn-")
        || m.kernel().startsWith("conv-"));
  }

  /**
   * The generic-loop row a row is compared with: {@code generic} for every other dense row, {@code
   * conv-generic} for {@code conv-gen}; none for the generic loops themselves and the models (which
   * have no generic counterpart in the suite).
   */
  static Optional<String> genericOf(Measurement m) {
    if (m.kernel().equals("generic") || m.kernel().equals("conv-generic")) {
      return Optional.empty();
    }
    if (isDense(m)) {
      return Optional.of("generic");
    }
    return m.kernel().equals("conv-gen") ? Optional.of("conv-generic") : Optional.empty();
  }

  Optional<Measurement> find(String kernel, String precision, Measurement like) {
    return runs.stream()
        .filter(
            r ->
                r.kernel().equals(kernel)
                    && r.precision().equals(precision)
                    && r.in() == like.in()
                    && r.out() == like.out()
                    && r.batch() == like.batch())
        .findFirst();
  }

  /** The fastest FP32 quantgen kernel (generated or generic) of the same shape and batch. */
  Optional<Measurement> bestFp32(Measurement like) {
    return runs.stream()
        .filter(
            r ->
                r.precision().equals("FP32")
                    && !r.kernel().equals("onnxruntime")
                    && r.in() == like.in()
                    && r.out() == like.out()
                    && r.batch() == like.batch())
        .min((a, b) -> Double.compare(a.micros(), b.micros()));
  }

  /** The table, one row per measurement, in run order. */
  public List<String> lines() {
    List<String> lines = new ArrayList<>();
    lines.add(
        String.format(
            Locale.ROOT,
            "%-12s %-7s %-10s %5s %12s %8s %8s %8s %8s %9s",
            "kernel",
            "prec",
            "in x out",
            "batch",
            "us/batch",
            "GMAC/s",
            "vsFP32",
            "vsGener",
            "vsORT",
            "roofline"));
    for (Measurement m : runs) {
      String peer = m.precision().startsWith("FP") ? "FP32" : "INT8";
      lines.add(
          String.format(
              Locale.ROOT,
              "%-12s %-7s %-10s %5d %12.1f %8.2f %8s %8s %8s %8.0f%%",
              m.kernel(),
              m.precision(),
              m.in() + "x" + m.out(),
              m.batch(),
              m.micros(),
              m.gmacs(),
              ratio(bestFp32(m), m),
              ratio(genericOf(m).flatMap(g -> find(g, m.precision(), m)), m),
              m.kernel().equals("onnxruntime") ? "-" : ratio(find("onnxruntime", peer, m), m),
              100 * roofline(m)));
    }
    lines.add(
        String.format(
            Locale.ROOT,
            "memory bandwidth %.1f GB/s (streaming read, %d threads); ratios are"
                + " speedups (time of the other / time of this row); ORT peer: INT8 QDQ for integer and binary rows,"
                + " FP32 MatMul for float rows",
            bytesPerSecond / 1e9,
            threads));
    lines.add(
        String.format(
            Locale.ROOT,
            "arithmetic peaks per core measured in this run: FP32 FMA throughput %.1f (chains in"
                + " registers), int8 widening loop %.1f, XOR+popcount loop %.1f G MAC/s (L1 data);"
                + " INT8/INT4 rows: the larger of FMA and int8",
            peaks.fp32(),
            peaks.int8(),
            peaks.binary()));
    return lines;
  }

  private static String ratio(Optional<Measurement> other, Measurement m) {
    return other.map(o -> String.format(Locale.ROOT, "%.2fx", o.micros() / m.micros())).orElse("-");
  }
}
