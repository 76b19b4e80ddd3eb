package dev.quantgen.runtime.conv;

/**
 * The output rows of a stride-1-wide convolution cut into vectors of {@code lanes} neighbouring
 * positions, for the row tiles of the Vector API kernel: each vector multiplies {@code lanes}
 * neighbouring input cells by one broadcast weight, and its sums are stored straight into an output
 * row (no transposition from channels-in-lanes to planar output).
 *
 * <p>A row at least a vector wide is cut at {@code 0, lanes, 2 lanes, ...}, its last segment moved
 * back to end at the row's end (it recomputes a few positions to the same values). A narrower row
 * is one segment whose spare lanes compute positions past the row's end: stored in ascending order,
 * they land on the next rows' first positions, which later segments overwrite; a segment whose
 * spare lanes would reach past its channel's plane is marked not {@link #whole}, and only its row's
 * positions are stored.
 */
final class RowSegments {
  /**
   * The smallest share of a row tile's lanes that must be real output positions: below it the spare
   * lanes are most of the work.
   */
  static final double MIN_LANE_USE = 0.5;

  /**
   * The most vector multiply-adds per output position the spare lanes may waste ({@code fan-in /
   * lanes * (1 / lane use - 1)}) for the plan to choose row tiles: about what the channel tiles'
   * scalar epilogue costs per output. Measured on one AVX-512 machine, CPU time of the two kernels
   * alternating in one JVM: the Fashion CNN's conv2 (fan-in 144, 14 of 16 lanes: 1.3 wasted) ran
   * 1.1x faster on row tiles (1.2x at 256 bits, 2.6 wasted), the 64 -> 64 3x3 on 28x28 (fan-in 576,
   * 28 of 32 lanes: 5.1 wasted) 0.95x, so it keeps the channel tiles.
   */
  static final double MAX_WASTED_MULTIPLY_ADDS = 3.0;

  /** Segments, padded to a whole number of tiles by repeating the last one. */
  final int count;

  /**
   * Each segment's first position's top-left cell in the padded input (as {@link
   * FloatConvPlan#pixelOffsets}).
   */
  final int[] inputOffsets;

  /** Each segment's first position in its output plane. */
  final int[] outputOffsets;

  /** Whether all {@code lanes} values of a segment may be stored (none reaches past its plane). */
  final boolean[] whole;

  /** Output positions of a segment that is not {@link #whole}: {@code min(lanes, OW)}. */
  final int positions;

  /**
   * Whether row tiles suit {@code g} at {@code lanes} lanes: input rows contiguous (stride 1 along
   * them), at least {@link #MIN_LANE_USE} of the lanes real output positions, and the spare lanes'
   * work per output within {@link #MAX_WASTED_MULTIPLY_ADDS}.
   */
  static boolean suits(ConvGeometry g, int lanes) {
    double use = laneUse(g.outWidth(), lanes);
    double wasted = (double) g.channelsPerGroup() * g.taps() / lanes * (1 / use - 1);
    return g.strideWidth() == 1 && use >= MIN_LANE_USE && wasted <= MAX_WASTED_MULTIPLY_ADDS;
  }

  /** Output positions per lane computed for a row {@code width} wide. */
  static double laneUse(int width, int lanes) {
    int segments = width >= lanes ? (width + lanes - 1) / lanes : 1;
    return (double) width / (segments * lanes);
  }

  /**
   * @param tile segments per tile: the segment list is padded to a multiple of it
   */
  RowSegments(ConvGeometry g, int lanes, int tile) {
    int ow = g.outWidth();
    int perRow = ow >= lanes ? (ow + lanes - 1) / lanes : 1;
    int real = g.outHeight() * perRow;
    this.count = (real + tile - 1) / tile * tile;
    this.inputOffsets = new int[count];
    this.outputOffsets = new int[count];
    this.whole = new boolean[count];
    this.positions = Math.min(lanes, ow);
    int plane = g.outPlane();
    int paddedWidth = g.paddedWidth();
    int s = 0;
    for (int oy = 0; oy < g.outHeight(); oy++) {
      for (int i = 0; i < perRow; i++, s++) {
        int ox = ow >= lanes ? Math.min(i * lanes, ow - lanes) : 0;
        inputOffsets[s] = oy * g.strideHeight() * paddedWidth + ox;
        outputOffsets[s] = oy * ow + ox;
        whole[s] = outputOffsets[s] + lanes <= plane;
      }
    }
    for (; s < count; s++) {
      inputOffsets[s] = inputOffsets[real - 1];
      outputOffsets[s] = outputOffsets[real - 1];
      whole[s] = whole[real - 1];
    }
  }
}
