package dev.quantgen.quantize.reference;

import dev.quantgen.runtime.numerics.IntTensor;
import dev.quantgen.runtime.numerics.QuantType;
import dev.quantgen.runtime.numerics.Shape;
import java.util.Arrays;

/**
 * The int32 accumulator shared by {@link ConvInteger} and {@link QLinearConv}: {@code acc[n, m, o]
 * = bias[m] + sum over c in group(m), k in kernel of (x[n, c, o*stride + k*dilation - padBegin] -
 * xZp) * (w[m, c, k] - wZp[m])}.
 *
 * <p>A padded position contributes nothing, which is the same as padding {@code x - xZp} with 0: in
 * the quantized domain a padded cell acts like the zero point (ONNX pads after subtracting it).
 * Works for any number of spatial axes. Sums use Java int arithmetic, which wraps exactly as an
 * int32 accumulator does; each product fits easily ({@code |x - xZp|, |w - wZp| <= 255}).
 *
 * <p>Before anything is allocated, the output ({@code N * M * out1 * ...}) and the index table
 * ({@code out1 * ... * k1 * ...}) are counted in long and refused above {@link #MAX_ELEMENTS}: a
 * few hundred bytes of attributes (huge pads) must not make the reference allocate gigabytes. With
 * both counts below 2^28, every flat index the loops compute fits an int.
 */
final class IntegerConvolution {
  /**
   * The most elements the reference convolution allocates for its output or its index table (2^28).
   */
  static final long MAX_ELEMENTS = 1L << 28;

  /** The accumulator and its shape {@code [N, M, out1, out2, ...]}. */
  record Accumulator(Shape shape, int[] values, int outputChannels, int spatialSize) {
    /** The output channel {@code m} of a flat index. */
    int channelOf(int flatIndex) {
      return flatIndex / spatialSize % outputChannels;
    }
  }

  private IntegerConvolution() {}

  /**
   * Validates shapes and zero points, then accumulates.
   *
   * @param xZeroPoint null for 0, else one element of x's type
   * @param wZeroPoint null for 0, else one element or {@code [M]} of w's type
   * @param bias null, else int32 {@code [M]}
   */
  static Accumulator accumulate(
      IntTensor x,
      IntTensor w,
      IntTensor xZeroPoint,
      IntTensor wZeroPoint,
      IntTensor bias,
      ConvAttributes attributes) {
    Operands.requireEightBit("x", x);
    Operands.requireEightBit("w", w);
    Shape xs = x.shape();
    Shape ws = w.shape();
    if (xs.rank() < 3) {
      throw new IllegalArgumentException(
          "x: shape "
              + xs
              + " has rank "
              + xs.rank()
              + ", expected [N, C, D1, ...] with at least one spatial axis");
    }
    if (ws.rank() != xs.rank()) {
      throw new IllegalArgumentException(
          "w: shape "
              + ws
              + " has rank "
              + ws.rank()
              + ", expected x's rank "
              + xs.rank()
              + " ([M, C/group, k1, ...])");
    }
    int group = attributes.group();
    int channels = xs.dim(1);
    int outChannels = ws.dim(0);
    int channelsPerGroup = ws.dim(1);
    if ((long) channelsPerGroup * group
        != channels) { // long: a group near 2^31 must not wrap to a match
      throw new IllegalArgumentException(
          "w: shape "
              + ws
              + " has "
              + channelsPerGroup
              + " input channels per group, but x of shape "
              + xs
              + " has "
              + channels
              + " channels and group is "
              + group
              + ": expected w.dim(1) = C / group = "
              + (channels % group == 0 ? channels / group : "(C not divisible by group)"));
    }
    if (outChannels % group != 0) {
      throw new IllegalArgumentException(
          "w: shape "
              + ws
              + " has "
              + outChannels
              + " output channels: expected a multiple of group "
              + group);
    }
    int rank = xs.rank() - 2;
    int[] inSpatial = Arrays.copyOfRange(xs.dims(), 2, xs.rank());
    int[] kSpatial = Arrays.copyOfRange(ws.dims(), 2, ws.rank());
    for (int i = 0; i < rank; i++) {
      if (kSpatial[i] < 1) {
        throw new IllegalArgumentException(
            "w: shape " + ws + " has an empty spatial axis: expected kernel sizes >= 1");
      }
    }
    int zx = Operands.perTensorZeroPoint("xZeroPoint", xZeroPoint, x.type());
    int[] zw = perChannelZeroPoints(wZeroPoint, w.type(), outChannels);
    int[] b = bias(bias, outChannels);
    ConvGeometry g = attributes.resolve(inSpatial, kSpatial);

    int batch = xs.dim(0);
    int inSize = product(inSpatial);
    long outputElements = ConvGeometry.saturatedProduct((long) batch * outChannels, g.outputSize());
    long tableElements = ConvGeometry.saturatedProduct(g.outputSize(), g.kernelSize());
    requireAllocatable("output " + Arrays.toString(outDims(batch, outChannels, g)), outputElements);
    requireAllocatable(
        "index table (output positions x kernel cells " + Arrays.toString(g.kernel()) + ")",
        tableElements);
    int kSize = (int) g.kernelSize();
    int outSize = (int) g.outputSize();
    int[] inputIndex = inputIndexTable(g, inSpatial);
    int[] xv = x.toArray();
    int[] wv = w.toArray();
    int mPerGroup = outChannels / group;
    int[] acc = new int[batch * outChannels * outSize];
    for (int n = 0; n < batch; n++) {
      for (int m = 0; m < outChannels; m++) {
        int firstChannel = m / mPerGroup * channelsPerGroup;
        int out0 = (n * outChannels + m) * outSize;
        for (int o = 0; o < outSize; o++) {
          int sum = b[m];
          for (int c = 0; c < channelsPerGroup; c++) {
            int xBase = (n * channels + firstChannel + c) * inSize;
            int wBase = (m * channelsPerGroup + c) * kSize;
            for (int k = 0; k < kSize; k++) {
              int at = inputIndex[o * kSize + k];
              if (at >= 0) {
                sum += (xv[xBase + at] - zx) * (wv[wBase + k] - zw[m]);
              }
            }
          }
          acc[out0 + o] = sum;
        }
      }
    }
    return new Accumulator(Shape.of(outDims(batch, outChannels, g)), acc, outChannels, outSize);
  }

  private static int[] outDims(int batch, int outChannels, ConvGeometry g) {
    int[] outDims = new int[g.spatialRank() + 2];
    outDims[0] = batch;
    outDims[1] = outChannels;
    System.arraycopy(g.output(), 0, outDims, 2, g.spatialRank());
    return outDims;
  }

  private static void requireAllocatable(String what, long elements) {
    if (elements > MAX_ELEMENTS) {
      throw new IllegalArgumentException(
          what
              + " would hold "
              + (elements == Long.MAX_VALUE ? "more than 2^63" : String.valueOf(elements))
              + " elements: expected at most 2^28 ("
              + MAX_ELEMENTS
              + "), the reference convolution's limit; check pads, strides and dilations");
    }
  }

  /**
   * For each (output position, kernel position) pair, the flat spatial index in x it reads, or -1
   * where it falls into the padding.
   */
  private static int[] inputIndexTable(ConvGeometry g, int[] inSpatial) {
    int rank = g.spatialRank();
    int kSize = (int) g.kernelSize(); // both below 2^28: checked by accumulate
    int outSize = (int) g.outputSize();
    int[] table = new int[outSize * kSize];
    int[] o = new int[rank];
    for (int oi = 0; oi < outSize; oi++, increment(o, g.output())) {
      int[] k = new int[rank];
      for (int ki = 0; ki < kSize; ki++, increment(k, g.kernel())) {
        int flat = 0;
        for (int i = 0; i < rank; i++) {
          int pos = o[i] * g.strides()[i] + k[i] * g.dilations()[i] - g.padBegin()[i];
          if (pos < 0 || pos >= inSpatial[i]) {
            flat = -1;
            break;
          }
          flat = flat * inSpatial[i] + pos;
        }
        table[oi * kSize + ki] = flat;
      }
    }
    return table;
  }

  /** Advances a row-major multi-index (an odometer); wraps to all zeros after the last. */
  private static void increment(int[] index, int[] dims) {
    for (int i = index.length - 1; i >= 0; i--) {
      if (++index[i] < dims[i]) {
        return;
      }
      index[i] = 0;
    }
  }

  private static int[] perChannelZeroPoints(
      IntTensor wZeroPoint, QuantType wType, int outChannels) {
    int[] z = new int[outChannels];
    if (wZeroPoint == null) {
      return z;
    }
    Operands.requireType("wZeroPoint", wZeroPoint, wType);
    if (wZeroPoint.size() == 1) {
      Arrays.fill(z, wZeroPoint.get(0));
      return z;
    }
    if (wZeroPoint.shape().rank() != 1 || wZeroPoint.size() != outChannels) {
      throw new IllegalArgumentException(
          "wZeroPoint: shape "
              + wZeroPoint.shape()
              + " expected one element (per-tensor) or ["
              + outChannels
              + "] (one per output channel)");
    }
    return wZeroPoint.toArray();
  }

  private static int[] bias(IntTensor bias, int outChannels) {
    if (bias == null) {
      return new int[outChannels];
    }
    Operands.requireType("bias", bias, QuantType.INT32);
    if (bias.shape().rank() != 1 || bias.size() != outChannels) {
      throw new IllegalArgumentException(
          "bias: shape "
              + bias.shape()
              + ", expected ["
              + outChannels
              + "] (one per output channel)");
    }
    return bias.toArray();
  }

  private static int product(int[] dims) {
    int n = 1;
    for (int d : dims) {
      n *= d;
    }
    return n;
  }
}
