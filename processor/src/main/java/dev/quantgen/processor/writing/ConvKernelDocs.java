package dev.quantgen.processor.writing;

import com.palantir.javapoet.CodeBlock;
import dev.quantgen.processor.model.SpatialSpec;
import dev.quantgen.processor.model.SpatialSpec.Window;
import dev.quantgen.processor.model.VariantSpec;

/**
 * The class javadoc of a convolution kernel: its shapes, window, and the arithmetic of its
 * precision.
 */
final class ConvKernelDocs {
  private static final String BLOCKED =
      "Runs on {@code ConvKernels}' blocked kernel (Vector API at the machine's"
          + " width, or scalar):\na register tile of output positions by a vector of output channels over a"
          + " zero-padded\nplanar copy of the input, bias and activation fused into the tile's epilogue.\n";
  private static final String BOUND =
      "Sums are reassociated and fused (kernel row, kernel column, input channel),"
          + " so an output\ndiffers from the reference by at most {@code 2 gamma(n + 1) (sum |w x| + |b|)},"
          + " {@code n} the fan-in,\n{@code gamma(n) = n u / (1 - n u)}, {@code u = 2^-24}. Immutable; per-thread"
          + " scratch, allocation-free per\ncall.\n";

  private static final String PER_CHANNEL =
      "One input channel per group (depthwise or a first layer): the"
          + " products run on\n{@code ConvKernels}' per-channel kernel instead, a vector of output positions along a row"
          + " times one\nbroadcast weight per tap, taps summed in the order (kernel row, kernel column).\n";

  private ConvKernelDocs() {}

  /** Whether the variant's products run on a {@code ConvKernels} float kernel. */
  private static boolean floatProducts(VariantSpec variant, SpatialSpec layer) {
    switch (variant.precision()) {
      case FP32:
      case FP16:
        return true;
      case INT8:
      case INT4:
        return variant.activations() == dev.quantgen.annotations.Activations.STATIC
            && StaticConvMembers.blocked(layer);
      default:
        return false;
    }
  }

  static CodeBlock of(SpatialSpec layer, VariantSpec variant, boolean xnor) {
    Window w = layer.window();
    String activation = KernelClass.label(layer.activation());
    return CodeBlock.builder()
        .add(
            "$L kernel of {@link $L}: {@code [$L, $L, $L]} to {@code [$L, $L, $L]}, kernel $Lx$L, stride $Lx$L,\n",
            title(variant, xnor),
            layer.qualifiedName(),
            layer.inChannels(),
            layer.inHeight(),
            layer.inWidth(),
            layer.outChannels(),
            layer.outHeight(),
            layer.outWidth(),
            w.kernelHeight(),
            w.kernelWidth(),
            w.strideHeight(),
            w.strideWidth())
        .add(
            "dilation $Lx$L, pads (top, left, bottom, right) = ($L, $L, $L, $L), $L group(s)$L$L.\n",
            w.dilationHeight(),
            w.dilationWidth(),
            w.padTop(),
            w.padLeft(),
            w.padBottom(),
            w.padRight(),
            layer.groups(),
            layer.bias() ? ", bias" : "",
            activation.isEmpty() ? "" : ", " + activation)
        .add(arithmetic(variant, xnor, StaticConvMembers.blocked(layer)))
        .add(
            StaticConvMembers.perChannel(layer) && floatProducts(variant, layer) ? PER_CHANNEL : "")
        .build();
  }

  private static String title(VariantSpec variant, boolean xnor) {
    switch (variant.precision()) {
      case FP32:
        return "FP32";
      case FP16:
        return "FP16";
      case BINARY:
        return xnor ? "BINARY (XNOR)" : "BINARY (sign-add)";
      default:
        return (variant.activations() == dev.quantgen.annotations.Activations.STATIC
                ? "Static "
                : variant.activations() == dev.quantgen.annotations.Activations.DYNAMIC
                    ? "Dynamic "
                    : "Weight-only ")
            + variant.precision();
    }
  }

  private static String arithmetic(VariantSpec variant, boolean xnor, boolean blocked) {
    switch (variant.precision()) {
      case FP32:
        return BLOCKED + "Weights are packed once, here.\n" + BOUND;
      case FP16:
        return BLOCKED
            + "Weights are rounded to IEEE binary16 as {@code Fp16Conv2d} rounds them and decoded to\n"
            + "float32 once, into the panels; the bias stays float32.\n"
            + BOUND;
      case BINARY:
        return xnor
            ? "Sign bits of each output channel's weights, 64 per {@code long}, {@code alpha = mean|w|}. Each\n"
                + "zero-padded receptive field is binarized ({@code sign(0) = +1}) with {@code beta = mean|field|}, then\n"
                + "{@code y = act(dot * (alpha * beta) + b)} with {@code dot = K - 2 * popcount(field XOR w)} exact, as\n"
                + "{@code BinaryConv2d}: bit for bit. Immutable; allocates one bit buffer per call.\n"
            : "Sign bits of each output channel's weights, 64 per {@code long}, {@code alpha = mean|w|}; float inputs\n"
                + "are added or subtracted in the order input channel, kernel row, kernel column, padding skipped, then\n"
                + "{@code y = act(sum * alpha + b)}, as {@code BinaryConv2d}: bit for bit. Immutable, allocation-free per\n"
                + "call.\n";
      default:
        String weights =
            variant.precision()
                + " weights symmetric per output channel"
                + (variant.precision() == dev.quantgen.annotations.Precision.INT4
                    ? ", packed two per byte from a byte boundary per output channel"
                    : "");
        switch (variant.activations()) {
          case STATIC:
            return weights
                + "; int8 in and out,\n{@code acc = bq[m] + sum (qx - zx) * qw}, int32, requantized per "
                + "output channel exactly as\n{@code QuantizedConv2d} (bit for bit). "
                + (blocked
                    ? "The products run on {@code ConvKernels}' blocked float kernel\nover the centred codes {@code qx - zx}"
                        + " and the integer weights: with a fan-in of at most 512 every partial\nsum is an integer within"
                        + " 2^24, so the float sums are the int32 ones exactly, in any order.\n"
                    : "The products run as an im2col of the int8 codes\ntimes the weight rows ({@code KernelSupport}"
                        + " int8/int4 matrix product, scalar or Vector API): the\nfan-in exceeds 512, where float sums"
                        + " could round.\n")
                + "Immutable; per-thread scratch, allocation-free per call.\n";
          case DYNAMIC:
            return weights
                + "; each sample is quantized to uint8\nas ONNX DynamicQuantizeLinear, "
                + "{@code acc = sum (qa - za) * qw} in int32, {@code y = act(acc * (sa * sw[m]) + b)},\n"
                + "as {@code WeightQuantizedConv2d}: bit for bit. Immutable; allocates its scratch per call.\n";
          default:
            return weights
                + "; float activations,\n{@code y = act(sum x * qw * sw[m] + b)} with the sum in float32 "
                + "in the order input channel, kernel row,\nkernel column, as {@code WeightQuantizedConv2d}: bit for "
                + "bit. Immutable, allocation-free per call.\n";
        }
    }
  }
}
