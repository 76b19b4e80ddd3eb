package dev.quantgen.runtime.conv;

/**
 * A float convolution of one fixed geometry with its weights packed once: one sample {@code [C, H,
 * W]} row-major in, {@code [M, OH, OW]} out, bias and activation applied. Implementations are
 * thread-safe and allocate nothing per call after a thread's first (each thread keeps its own
 * scratch). Made by {@link ConvKernels}.
 */
public interface FloatConv {
  /**
   * Runs one sample.
   *
   * @param x {@code [C, H, W]} row-major, at least {@code C * H * W} values
   * @param y receives {@code [M, OH, OW]} row-major
   */
  void forward(float[] x, float[] y);

  /**
   * Runs one sample of int8 codes centred on {@code zeroPoint}: exactly {@code forward(x, y)} with
   * {@code x[i] = q[i] - zeroPoint} (exact in float), without a separate centred copy. The static
   * int8 kernels run their integer weights through it (exact integer sums, see {@code
   * StaticConvMembers}).
   *
   * @param q {@code [C, H, W]} row-major int8 codes, at least {@code C * H * W}
   * @param y receives {@code [M, OH, OW]} row-major
   */
  void forwardCentred(byte[] q, int zeroPoint, float[] y);

  /**
   * Runs one sample followed by a 2x2 max pool of stride 2 without padding (floor: an odd last row
   * or column is dropped), fused: {@code y} receives {@code [M, OH / 2, OW / 2]}. Equal bit for bit
   * to {@link #forward} then that pool ({@code MaxPool2d}): adding the bias and clamping to the
   * activation's range are monotone, so they commute with the maximum, which is taken over the raw
   * sums before them.
   *
   * @param x {@code [C, H, W]} row-major
   * @param y receives {@code [M, OH / 2, OW / 2]} row-major
   */
  void forwardMaxPool2(float[] x, float[] y);

  /**
   * {@link #forwardMaxPool2} of int8 codes centred on {@code zeroPoint}, as {@link
   * #forwardCentred}: the static int8 kernels pool their exact integer sums before requantizing
   * them (requantization is monotone, so it commutes with the maximum).
   *
   * @param q {@code [C, H, W]} row-major int8 codes
   * @param y receives {@code [M, OH / 2, OW / 2]} row-major
   */
  void forwardCentredMaxPool2(byte[] q, int zeroPoint, float[] y);

  /** The implementation for reports, e.g. {@code vector(512 bit) 2x16 channels x 6 pixels}. */
  String name();
}
