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
   * The smallest share of a row tile's lanes that must be real output positions for the plan to
   * choose row tiles over the channel-blocked tiles ({@code 14 / 16} for the Fashion CNN's 14-wide
   * rows on 16 lanes, {@code 28 / 32} for 28-wide rows).
   */
  static final double MIN_LANE_USE = 0.75;

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
   * them) and at least {@link #MIN_LANE_USE} of the lanes real output positions.
   */
  static boolean suits(ConvGeometry g, int lanes) {
    return g.strideWidth() == 1 && laneUse(g.outWidth(), lanes) >= MIN_LANE_USE;
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
