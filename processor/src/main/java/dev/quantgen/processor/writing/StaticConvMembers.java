package dev.quantgen.processor.writing;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.quantgen.annotations.Precision;
import dev.quantgen.annotations.Requantization;
import dev.quantgen.processor.model.SpatialSpec;
import dev.quantgen.processor.model.VariantSpec;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * The members of a static INT8 or INT4 convolution kernel: int8 activations in and out, weights,
 * int32 bias and multipliers taken from the runtime's {@code QuantizedConv2d} (so they are the
 * reference's own), accumulators requantized per output channel exactly as it does.
 *
 * <p>The products run as one matrix product per group: the int8 codes of every receptive field are
 * gathered into a per-thread buffer (im2col, {@code [PLANE][FAN_IN]}, a padded cell holding the
 * input zero point as the reference pads), then {@code KernelSupport.gemmInt8} or {@code gemmInt4}
 * (scalar or Vector API, chosen at run time) multiplies them by the weight rows. The products use
 * the raw codes, so {@code sum w (q - zx) = sum w q - zx sum w}: the second term is folded with the
 * bias into one {@code correction} per output channel. int32 addition is associative (modulo 2^32
 * too), so the accumulators equal the reference's bit for bit whatever order the product sums in.
 */
final class StaticConvMembers {
  /**
   * The largest fan-in whose int32 sums the float kernel computes exactly: centred activations
   * {@code |q - zx| <= 255} times weights {@code |w| <= 128} give products within {@code 2^15}, so
   * every partial sum of at most 512 of them is an integer within {@code 2^24}, which float32 holds
   * exactly (and a fused multiply-add of exact integers with a representable result is exact).
   */
  static final int EXACT_FLOAT_FAN_IN = 512;

  private static final ClassName CONV_KERNELS =
      ClassName.get("dev.quantgen.runtime.conv", "ConvKernels");
  private static final ClassName CONV_GEOMETRY =
      ClassName.get("dev.quantgen.runtime.conv", "ConvGeometry");
  private static final ClassName FLOAT_CONV =
      ClassName.get("dev.quantgen.runtime.conv", "FloatConv");
  private static final ClassName INT8_ROWS = ClassName.get("dev.quantgen.runtime.conv", "Int8Rows");

  private StaticConvMembers() {}

  /**
   * The {@code ConvKernels} factory of the layer's float products, chosen from its shape: {@code
   * perChannelFp32} when each group has one input channel (depthwise, single-input-channel first
   * layers), whose vectors run along output rows, else the channel-blocked {@code fp32}.
   */
  static String floatKernel(SpatialSpec layer) {
    return perChannel(layer) ? "perChannelFp32" : "fp32";
  }

  /** Whether each group of the layer has one input channel. */
  static boolean perChannel(SpatialSpec layer) {
    return layer.inChannels() == layer.groups();
  }

  /**
   * Whether the layer's products run on the blocked float kernel (exact), else im2col and the int8
   * product.
   */
  static boolean blocked(SpatialSpec layer) {
    return (long) layer.inChannels()
            / layer.groups()
            * layer.window().kernelHeight()
            * layer.window().kernelWidth()
        <= EXACT_FLOAT_FAN_IN;
  }

  /** {@code ROWS.requantize} (or {@code requantizeFloat}) of {@code plane} sums per channel. */
  private static CodeBlock requantizeRows(boolean onnx, String plane) {
    return onnx
        ? CodeBlock.of(
            "ROWS.requantizeFloat(products, OUT_CHANNELS, $L, correction, multipliers,"
                + " outputZeroPoint, outputMin, outputMax, qy)",
            plane)
        : CodeBlock.of(
            "ROWS.requantize(products, OUT_CHANNELS, $L, correction, multipliers, shifts,"
                + " outputZeroPoint, outputMin, outputMax, qy)",
            plane);
  }

  /**
   * {@code forwardQuantizedMaxPool2}: the blocked sums with the following 2x2 stride-2 max pool
   * fused, then a quarter of the requantizations.
   */
  private static MethodSpec quantizedMaxPool2(SpatialSpec layer, boolean onnx, ClassName scratch) {
    int pooledPlane = (layer.outHeight() / 2) * (layer.outWidth() / 2);
    return MethodSpec.methodBuilder("forwardQuantizedMaxPool2")
        .addJavadoc(
            "One int8 sample followed by a 2x2 max pool of stride 2 without padding, fused: {@code qy}\n"
                + "receives {@code [M, OH / 2, OW / 2]}, equal bit for bit to {@code forwardQuantized} then that\n"
                + "pool: requantization is monotone, so each window's maximum integer sum is requantized alone.\n")
        .addModifiers(Modifier.PUBLIC)
        .addParameter(byte[].class, "qx")
        .addParameter(byte[].class, "qy")
        .addCode(KernelClass.checkLengths("qx", "IN", "qy", "POOLED"))
        .addStatement("$T s = SCRATCH.get()", scratch)
        .addStatement("float[] products = s.products")
        .addStatement("sums.forwardCentredMaxPool2(qx, inputZeroPoint, products)")
        .addComment("$L windows per channel", pooledPlane)
        .addStatement(requantizeRows(onnx, String.valueOf(pooledPlane)))
        .build();
  }

  /**
   * Adds the fields, constructor, {@code accepts}, {@code prepare} and forward methods of a static
   * kernel.
   */
  static void add(
      SpatialSpec layer,
      VariantSpec variant,
      ClassName self,
      boolean padded,
      TypeSpec.Builder type) {
    boolean onnx = variant.requantization() == Requantization.FLOAT;
    boolean blocked = blocked(layer);
    if (blocked) {
      type.addField(
          FieldSpec.builder(
                  CONV_GEOMETRY, "GEOMETRY", Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
              .addJavadoc("Every size of this layer, for the blocked kernel's tables.\n")
              .initializer(
                  "new $T(IN_CHANNELS, IN_HEIGHT, IN_WIDTH, OUT_CHANNELS, GROUPS, KH, KW, SH, SW, DH, DW,"
                      + " PAD_TOP, PAD_LEFT, OUT_HEIGHT, OUT_WIDTH)",
                  CONV_GEOMETRY)
              .build());
      type.addField(
          FieldSpec.builder(FLOAT_CONV, "sums", Modifier.PRIVATE, Modifier.FINAL)
              .addJavadoc(
                  "The blocked float kernel over the integer weights: exact int32 sums of centred codes (FAN_IN <= "
                      + EXACT_FLOAT_FAN_IN
                      + ").\n")
              .build());
    }
    type.addField(
        FieldSpec.builder(INT8_ROWS, "ROWS", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
            .addJavadoc(
                "The element-wise int8 steps (quantize, centre, requantize), Vector API or scalar as the kernels are.\n")
            .initializer("$T.int8Rows()", CONV_KERNELS)
            .build());
    String weightType = variant.precision().name();
    type.addField(
        FieldSpec.builder(
                RuntimeNames.REQUANT_MODE,
                "REQUANT_MODE",
                Modifier.PUBLIC,
                Modifier.STATIC,
                Modifier.FINAL)
            .addJavadoc("How accumulators become int8.\n")
            .initializer("$T.$L", RuntimeNames.REQUANT_MODE, onnx ? "FLOAT" : "INTEGER")
            .build());
    type.addField(KernelClass.kernelSupport());
    type.addField(
        FieldSpec.builder(
                ArrayTypeName.of(TypeName.INT), "correction", Modifier.PRIVATE, Modifier.FINAL)
            .addJavadoc(
                blocked
                    ? "Per output channel: the int32 bias (the activations are centred, so no zero-point term).\n"
                    : "Per output channel: the int32 bias minus the input zero point times the weight row's sum.\n")
            .build());
    if (onnx) {
      type.addField(KernelClass.field(ArrayTypeName.of(TypeName.FLOAT), "multipliers"));
    } else {
      type.addField(KernelClass.field(ArrayTypeName.of(TypeName.INT), "multipliers"));
      type.addField(KernelClass.field(ArrayTypeName.of(TypeName.INT), "shifts"));
    }
    for (String f : List.of("inputZeroPoint", "outputZeroPoint", "outputMin", "outputMax")) {
      type.addField(KernelClass.field(TypeName.INT, f));
    }
    type.addField(KernelClass.field(RuntimeNames.ACTIVATION_PARAMS, "input"));
    type.addField(KernelClass.field(RuntimeNames.ACTIVATION_PARAMS, "output"));

    MethodSpec.Builder ctor =
        MethodSpec.constructorBuilder()
            .addModifiers(Modifier.PUBLIC)
            .addJavadoc(
                "Runs a quantized reference layer's own $L weights, int32 bias and multipliers.\n\n"
                    + "@throws IllegalArgumentException if it was quantized for another shape, window, activation, mode or weight"
                    + " type\n",
                weightType.toLowerCase(java.util.Locale.ROOT))
            .addParameter(RuntimeNames.QUANTIZED_CONV, "layer")
            .beginControlFlow("if (!accepts(layer))")
            .addStatement(
                "throw new IllegalArgumentException($S + layer.quantizedWeights().shape() + $S + layer.window()"
                    + " + $S + layer.groups() + $S + layer.activation() + $S + layer.requantMode() + $S)",
                "layer: weights ",
                ", window ",
                ", groups ",
                ", activation ",
                ", mode ",
                ", expected weights ["
                    + layer.outChannels()
                    + ", "
                    + layer.inChannels() / layer.groups()
                    + ", "
                    + layer.window().kernelHeight()
                    + ", "
                    + layer.window().kernelWidth()
                    + "] and this kernel's WINDOW,"
                    + " GROUPS, ACTIVATION and REQUANT_MODE, "
                    + weightType
                    + " weights")
            .endControlFlow()
            .addStatement("int[] q = layer.quantizedWeights().toArray()")
            .addStatement("this.weights = weightBytes(q)")
            .addStatement("this.inputZeroPoint = layer.inputZeroPoint()")
            .addStatement("int[] bias = layer.quantizedBias().toArray()")
            .addStatement("this.correction = new int[OUT_CHANNELS]")
            .beginControlFlow("for (int m = 0; m < OUT_CHANNELS; m++)")
            .addStatement("int rowSum = 0")
            .beginControlFlow("for (int t = m * FAN_IN; t < (m + 1) * FAN_IN; t++)")
            .addStatement("rowSum += q[t]")
            .endControlFlow()
            .addStatement(
                blocked
                    ? "correction[m] = bias[m]"
                    : "correction[m] = bias[m] - inputZeroPoint * rowSum")
            .endControlFlow();
    if (!blocked) {
      type.addField(
          FieldSpec.builder(byte[].class, "panels", Modifier.PRIVATE, Modifier.FINAL)
              .addJavadoc(
                  "The weights rearranged once, here, into the batched product's panels (its layout follows the\n"
                      + "vector width of this JVM), the receptive fields of a plane being its samples.\n")
              .build());
      ctor.addStatement(
          "this.panels = K.$L(weights, OUT_CHANNELS, FAN_IN)",
          variant.precision() == Precision.INT4 ? "int4Panels" : "int8Panels");
    }
    if (blocked) {
      ctor.addComment(
              "the integer weights as floats (exact), run by the blocked float kernel on centred activations")
          .addStatement("float[] qf = new float[q.length]")
          .beginControlFlow("for (int i = 0; i < q.length; i++)")
          .addStatement("qf[i] = q[i]")
          .endControlFlow()
          .addStatement(
              "this.sums = $T.$L(GEOMETRY, qf, null, $T.NONE)",
              CONV_KERNELS,
              floatKernel(layer),
              RuntimeNames.ACTIVATION);
    }
    if (onnx) {
      ctor.addStatement("this.multipliers = new float[OUT_CHANNELS]")
          .beginControlFlow("for (int m = 0; m < OUT_CHANNELS; m++)")
          .addStatement("multipliers[m] = layer.onnxMultiplier(m)")
          .endControlFlow();
    } else {
      ctor.addStatement("this.multipliers = new int[OUT_CHANNELS]")
          .addStatement("this.shifts = new int[OUT_CHANNELS]")
          .beginControlFlow("for (int m = 0; m < OUT_CHANNELS; m++)")
          .addStatement("multipliers[m] = layer.fixedMultiplier(m).multiplier()")
          .addStatement("shifts[m] = layer.fixedMultiplier(m).shift()")
          .endControlFlow();
    }
    ctor.addStatement("this.outputZeroPoint = layer.outputZeroPoint()")
        .addStatement("this.outputMin = layer.outputMin()")
        .addStatement("this.outputMax = layer.outputMax()")
        .addStatement(
            "this.input = new $T(layer.inputScale(), inputZeroPoint)",
            RuntimeNames.ACTIVATION_PARAMS)
        .addStatement(
            "this.output = new $T(layer.outputScale(), outputZeroPoint)",
            RuntimeNames.ACTIVATION_PARAMS);
    type.addMethod(ctor.build());

    type.addMethod(
        MethodSpec.methodBuilder("accepts")
            .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
            .addJavadoc(
                "Whether this kernel runs {@code layer}: same weight shape, resolved window, groups, activation,\n"
                    + "requantization mode and weight type.\n")
            .returns(boolean.class)
            .addParameter(RuntimeNames.QUANTIZED_CONV, "layer")
            .addStatement("$T w = layer.window()", RuntimeNames.WINDOW_2D)
            .addStatement(
                "return layer.quantizedWeights().shape().equals($T.of(OUT_CHANNELS, CPG, KH, KW))\n"
                    + "&& w.strideHeight() == SH && w.strideWidth() == SW && w.dilationHeight() == DH && w.dilationWidth() == DW\n"
                    + "&& w.resolve(IN_HEIGHT, IN_WIDTH).equals(WINDOW.resolve(IN_HEIGHT, IN_WIDTH))\n"
                    + "&& layer.groups() == GROUPS && layer.activation() == ACTIVATION && layer.requantMode() == REQUANT_MODE\n"
                    + "&& layer.weightType() == $T.$L",
                RuntimeNames.SHAPE,
                RuntimeNames.QUANT_TYPE,
                weightType)
            .build());

    type.addMethod(
        MethodSpec.methodBuilder("prepare")
            .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
            .addJavadoc(
                "Quantizes FP32 weights (per output channel, symmetric $L) and bias for calibrated activations.\n\n"
                    + "@throws IllegalArgumentException if a shape does not fit the layer or the accumulator could overflow\n",
                weightType.toLowerCase(java.util.Locale.ROOT))
            .returns(self)
            .addParameter(RuntimeNames.FLOAT_TENSOR, "weights")
            .addParameter(RuntimeNames.FLOAT_TENSOR, "bias")
            .addParameter(RuntimeNames.ACTIVATION_PARAMS, "input")
            .addParameter(RuntimeNames.ACTIVATION_PARAMS, "output")
            .addCode(ConvKernelWriter.shapeCheck(layer))
            .addStatement(
                "return new $T($T.quantize(weights, bias, WINDOW, GROUPS, ACTIVATION,\n"
                    + "$T.perTensor(input.scale(), input.zeroPoint(), $T.INT8),\n"
                    + "$T.perTensor(output.scale(), output.zeroPoint(), $T.INT8), REQUANT_MODE, $T.$L))",
                self,
                RuntimeNames.QUANTIZED_CONV,
                RuntimeNames.QUANT_PARAMS,
                RuntimeNames.QUANT_TYPE,
                RuntimeNames.QUANT_PARAMS,
                RuntimeNames.QUANT_TYPE,
                RuntimeNames.QUANT_TYPE,
                weightType)
            .build());
    type.addMethod(
        MethodSpec.methodBuilder("inputParams")
            .addModifiers(Modifier.PUBLIC)
            .addJavadoc("The int8 parameters of the input.\n")
            .returns(RuntimeNames.ACTIVATION_PARAMS)
            .addStatement("return input")
            .build());
    type.addMethod(
        MethodSpec.methodBuilder("outputParams")
            .addModifiers(Modifier.PUBLIC)
            .addJavadoc("The int8 parameters of the output.\n")
            .returns(RuntimeNames.ACTIVATION_PARAMS)
            .addStatement("return output")
            .build());

    ClassName scratch = self.nestedClass("Scratch");
    type.addType(
        TypeSpec.classBuilder(scratch)
            .addModifiers(Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
            .addJavadoc("One thread's buffers, so a call allocates nothing.\n")
            .addFields(
                blocked
                    ? List.of(
                        FieldSpec.builder(float[].class, "products", Modifier.FINAL)
                            .initializer("new float[OUT]")
                            .addJavadoc("The exact int32 sums as floats, {@code [M, OH, OW]}.\n")
                            .build())
                    : List.of(
                        FieldSpec.builder(byte[].class, "columns", Modifier.FINAL)
                            .initializer("new byte[PLANE * FAN_IN]")
                            .addJavadoc(
                                "The receptive fields of one group, {@code [PLANE][FAN_IN]} int8 codes.\n")
                            .build(),
                        FieldSpec.builder(int[].class, "products", Modifier.FINAL)
                            .initializer("new int[PLANE * OUT_CHANNELS]")
                            .addJavadoc(
                                "The int32 products, {@code [PLANE][OUT_CHANNELS]} as the matrix product stores them.\n")
                            .build()))
            .addField(
                FieldSpec.builder(byte[].class, "qx", Modifier.FINAL)
                    .initializer("new byte[IN]")
                    .build())
            .addField(
                FieldSpec.builder(byte[].class, "qy", Modifier.FINAL)
                    .initializer("new byte[OUT]")
                    .build())
            .build());
    type.addField(
        FieldSpec.builder(
                ParameterizedTypeName.get(ClassName.get(ThreadLocal.class), scratch),
                "SCRATCH",
                Modifier.PRIVATE,
                Modifier.STATIC,
                Modifier.FINAL)
            .initializer("$T.withInitial($T::new)", ThreadLocal.class, scratch)
            .build());

    String acc = "products[p * OUT_CHANNELS + m] + c";
    CodeBlock requantize =
        onnx
            ? CodeBlock.of(
                "$T.requantizeFloat("
                    + acc
                    + ", multipliers[m], outputZeroPoint,"
                    + " outputMin, outputMax)",
                RuntimeNames.LAYER_MATH)
            : CodeBlock.of(
                "$T.requantize("
                    + acc
                    + ", multipliers[m], shifts[m], outputZeroPoint,"
                    + " outputMin, outputMax)",
                RuntimeNames.LAYER_MATH);
    MethodSpec.Builder quantized =
        MethodSpec.methodBuilder("forwardQuantized")
            .addJavadoc(
                "One int8 sample: {@code qx} is {@code [C, H, W]}, {@code qy} receives {@code [M, OH, OW]}.\n")
            .addModifiers(Modifier.PUBLIC)
            .addParameter(byte[].class, "qx")
            .addParameter(byte[].class, "qy")
            .addCode(KernelClass.checkLengths("qx", "IN", "qy", "OUT"))
            .addStatement("$T s = SCRATCH.get()", scratch);
    if (blocked) {
      quantized
          .addComment(
              "on the codes centred as the kernel pads them: a padded cell (0) is the real 0 the reference pads"
                  + " with")
          .addStatement("float[] products = s.products")
          .addStatement("sums.forwardCentred(qx, inputZeroPoint, products)")
          .addComment(
              "each accumulator (int) products + correction, requantized as LayerMath.$L does",
              onnx ? "requantizeFloat" : "requantize");
      quantized.addStatement(requantizeRows(onnx, "PLANE"));
      type.addField(ConvKernelWriter.pooledConstant(layer));
      type.addMethod(quantizedMaxPool2(layer, onnx, scratch));
    } else {
      String product = variant.precision() == Precision.INT4 ? "gemmInt4" : "gemmInt8";
      long fanIn =
          (long) layer.inChannels()
              / layer.groups()
              * layer.window().kernelHeight()
              * layer.window().kernelWidth();
      long groupMacs =
          fanIn * (layer.outChannels() / layer.groups()) * layer.outHeight() * layer.outWidth();
      quantized
          .addStatement("byte[] columns = s.columns")
          .addStatement("int[] products = s.products")
          .beginControlFlow("for (int g = 0; g < GROUPS; g++)")
          .addStatement("im2col(qx, g, columns, (byte) inputZeroPoint)")
          .addStatement("int rowBase = g * MPG");
      if (groupMacs >= KernelClass.PARALLEL_MACS) {
        quantized
            .addComment(
                "a large group: its output channels split across cores (each row on one thread, exact)")
            .addStatement(
                "$T.forEach(MPG, (long) FAN_IN * PLANE, (from, to) -> K.$L(weights, panels, FAN_IN, rowBase + from,"
                    + " rowBase + to, columns, PLANE, products, OUT_CHANNELS))",
                RuntimeNames.ROWS,
                product);
      } else {
        quantized.addStatement(
            "K.$L(weights, panels, FAN_IN, rowBase, rowBase + MPG, columns, PLANE, products,"
                + " OUT_CHANNELS)",
            product);
      }
      quantized.endControlFlow();
    }
    if (!blocked) {
      quantized
          .beginControlFlow("for (int m = 0; m < OUT_CHANNELS; m++)")
          .addStatement("int c = correction[m]")
          .addStatement("int yBase = m * PLANE")
          .beginControlFlow("for (int p = 0; p < PLANE; p++)")
          .addStatement("qy[yBase + p] = (byte) $L", requantize)
          .endControlFlow()
          .endControlFlow();
    }
    type.addMethod(quantized.build());
    type.addMethod(
        MethodSpec.methodBuilder("forward")
            .addJavadoc(
                "One float sample: quantized with the input parameters, run in int8, dequantized.\n")
            .addModifiers(Modifier.PUBLIC)
            .addParameter(float[].class, "x")
            .addParameter(float[].class, "y")
            .addCode(KernelClass.checkLengths("x", "IN", "y", "OUT"))
            .addStatement("$T s = SCRATCH.get()", scratch)
            .addStatement("byte[] qx = s.qx")
            .addStatement("ROWS.quantize(x, input.scale(), inputZeroPoint, qx, IN)")
            .addStatement("byte[] qy = s.qy")
            .addStatement("forwardQuantized(qx, qy)")
            .beginControlFlow("for (int i = 0; i < OUT; i++)")
            .addStatement("y[i] = output.dequantize(qy[i])")
            .endControlFlow()
            .build());
  }

  /**
   * {@code im2col(qx, g, columns, zeroPoint)}: the receptive field of every output position of
   * group {@code g}, in the weight rows' order (input channel, kernel row, kernel column), tap by
   * tap along the precomputed in-bounds output ranges; with padding, the buffer is first filled
   * with the input zero point (a padded cell is real 0, as the reference pads).
   */
  static MethodSpec im2col(boolean padded) {
    MethodSpec.Builder b =
        MethodSpec.methodBuilder("im2col")
            .addJavadoc(
                "Gathers the receptive fields of group {@code g} into {@code columns[p * FAN_IN + tap]}$L.\n",
                padded
                    ? ", a padded cell\nholding {@code zeroPoint}"
                    : " (this window never reaches padding)")
            .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
            .addParameter(byte[].class, "qx")
            .addParameter(int.class, "g")
            .addParameter(byte[].class, "columns")
            .addParameter(byte.class, "zeroPoint");
    if (padded) {
      b.addStatement("$T.fill(columns, zeroPoint)", java.util.Arrays.class);
    }
    return b.beginControlFlow("for (int c = 0; c < CPG; c++)")
        .addStatement("int xBase = (g * CPG + c) * IN_PLANE")
        .beginControlFlow("for (int ky = 0; ky < KH; ky++)")
        .addStatement("int tapY = ky * DH - PAD_TOP")
        .beginControlFlow("for (int kx = 0; kx < KW; kx++)")
        .addStatement("int tap = (c * KH + ky) * KW + kx")
        .addStatement("int tapX = kx * DW - PAD_LEFT")
        .beginControlFlow("for (int oy = OY_FIRST[ky]; oy < OY_END[ky]; oy++)")
        .addStatement("int from = xBase + (oy * SH + tapY) * IN_WIDTH + tapX")
        .addStatement("int at = oy * OUT_WIDTH * FAN_IN + tap")
        .beginControlFlow("for (int ox = OX_FIRST[kx]; ox < OX_END[kx]; ox++)")
        .addStatement("columns[at + ox * FAN_IN] = qx[from + ox * SW]")
        .endControlFlow()
        .endControlFlow()
        .endControlFlow()
        .endControlFlow()
        .endControlFlow()
        .build();
  }
}
