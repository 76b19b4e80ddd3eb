package dev.quantgen.processor.writing;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.quantgen.annotations.Requantization;
import dev.quantgen.processor.model.SpatialSpec;
import dev.quantgen.processor.model.VariantSpec;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * The members of a static INT8 or INT4 convolution kernel: int8 activations in and out, weights,
 * int32 bias and multipliers taken from the runtime's {@code QuantizedConv2d} (so they are the
 * reference's own), accumulators requantized per output channel exactly as it does.
 */
final class StaticConvMembers {
  private StaticConvMembers() {}

  /** Adds the fields, constructor, {@code accepts}, {@code prepare} and forward methods of a static kernel. */
  static void add(SpatialSpec layer, VariantSpec variant, ClassName self, TypeSpec.Builder type) {
    boolean onnx = variant.requantization() == Requantization.FLOAT;
    String weightType = variant.precision().name();
    type.addField(FieldSpec.builder(RuntimeNames.CONV_REQUANT_MODE, "REQUANT_MODE", Modifier.PUBLIC, Modifier.STATIC,
        Modifier.FINAL).addJavadoc("How accumulators become int8.\n")
        .initializer("$T.$L", RuntimeNames.CONV_REQUANT_MODE, onnx ? "ONNX" : "INTEGER").build());
    type.addField(KernelClass.field(ArrayTypeName.of(TypeName.INT), "bias"));
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

    MethodSpec.Builder ctor = MethodSpec.constructorBuilder().addModifiers(Modifier.PUBLIC)
        .addJavadoc("Runs a quantized reference layer's own $L weights, int32 bias and multipliers.\n\n"
            + "@throws IllegalArgumentException if it was quantized for another shape, window, activation, mode or weight"
            + " type\n", weightType.toLowerCase(java.util.Locale.ROOT))
        .addParameter(RuntimeNames.QUANTIZED_CONV, "layer")
        .beginControlFlow("if (!accepts(layer))")
        .addStatement("throw new IllegalArgumentException($S + layer.quantizedWeights().shape() + $S + layer.window()"
            + " + $S + layer.groups() + $S + layer.activation() + $S + layer.requantMode() + $S)",
            "layer: weights ", ", window ", ", groups ", ", activation ", ", mode ",
            ", expected weights [" + layer.outChannels() + ", " + layer.inChannels() / layer.groups() + ", "
                + layer.window().kernelHeight() + ", " + layer.window().kernelWidth() + "] and this kernel's WINDOW,"
                + " GROUPS, ACTIVATION and REQUANT_MODE, " + weightType + " weights")
        .endControlFlow()
        .addStatement("this.weights = weightBytes(layer.quantizedWeights().toArray())")
        .addStatement("this.bias = layer.quantizedBias().toArray()");
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
    ctor.addStatement("this.inputZeroPoint = layer.inputZeroPoint()")
        .addStatement("this.outputZeroPoint = layer.outputZeroPoint()")
        .addStatement("this.outputMin = layer.outputMin()")
        .addStatement("this.outputMax = layer.outputMax()")
        .addStatement("this.input = new $T(layer.inputScale(), inputZeroPoint)", RuntimeNames.ACTIVATION_PARAMS)
        .addStatement("this.output = new $T(layer.outputScale(), outputZeroPoint)", RuntimeNames.ACTIVATION_PARAMS);
    type.addMethod(ctor.build());

    type.addMethod(MethodSpec.methodBuilder("accepts")
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .addJavadoc("Whether this kernel runs {@code layer}: same weight shape, resolved window, groups, activation,\n"
            + "requantization mode and weight type.\n")
        .returns(boolean.class)
        .addParameter(RuntimeNames.QUANTIZED_CONV, "layer")
        .addStatement("$T w = layer.window()", RuntimeNames.WINDOW_2D)
        .addStatement("return layer.quantizedWeights().shape().equals($T.of(OUT_CHANNELS, CPG, KH, KW))\n"
            + "&& w.strideHeight() == SH && w.strideWidth() == SW && w.dilationHeight() == DH && w.dilationWidth() == DW\n"
            + "&& w.resolve(IN_HEIGHT, IN_WIDTH).equals(WINDOW.resolve(IN_HEIGHT, IN_WIDTH))\n"
            + "&& layer.groups() == GROUPS && layer.activation() == ACTIVATION && layer.requantMode() == REQUANT_MODE\n"
            + "&& layer.weightType() == $T.$L", RuntimeNames.SHAPE, RuntimeNames.QUANT_TYPE, weightType)
        .build());

    type.addMethod(MethodSpec.methodBuilder("prepare")
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .addJavadoc("Quantizes FP32 weights (per output channel, symmetric $L) and bias for calibrated activations.\n\n"
            + "@throws IllegalArgumentException if a shape does not fit the layer or the accumulator could overflow\n",
            weightType.toLowerCase(java.util.Locale.ROOT))
        .returns(self)
        .addParameter(RuntimeNames.FLOAT_TENSOR, "weights")
        .addParameter(RuntimeNames.FLOAT_TENSOR, "bias")
        .addParameter(RuntimeNames.ACTIVATION_PARAMS, "input")
        .addParameter(RuntimeNames.ACTIVATION_PARAMS, "output")
        .addCode(ConvKernelWriter.shapeCheck(layer))
        .addStatement("return new $T($T.quantize(weights, bias, WINDOW, GROUPS, ACTIVATION,\n"
            + "$T.perTensor(input.scale(), input.zeroPoint(), $T.INT8),\n"
            + "$T.perTensor(output.scale(), output.zeroPoint(), $T.INT8), REQUANT_MODE, $T.$L))", self,
            RuntimeNames.QUANTIZED_CONV, RuntimeNames.QUANT_PARAMS, RuntimeNames.QUANT_TYPE, RuntimeNames.QUANT_PARAMS,
            RuntimeNames.QUANT_TYPE, RuntimeNames.QUANT_TYPE, weightType)
        .build());
    type.addMethod(MethodSpec.methodBuilder("inputParams").addModifiers(Modifier.PUBLIC)
        .addJavadoc("The int8 parameters of the input.\n").returns(RuntimeNames.ACTIVATION_PARAMS)
        .addStatement("return input").build());
    type.addMethod(MethodSpec.methodBuilder("outputParams").addModifiers(Modifier.PUBLIC)
        .addJavadoc("The int8 parameters of the output.\n").returns(RuntimeNames.ACTIVATION_PARAMS)
        .addStatement("return output").build());

    CodeBlock requantize = onnx
        ? CodeBlock.of("$T.requantizeFloat(acc[i], multipliers[m], outputZeroPoint, outputMin, outputMax)",
            RuntimeNames.LAYER_MATH)
        : CodeBlock.of("$T.requantize(acc[i], multipliers[m], shifts[m], outputZeroPoint, outputMin, outputMax)",
            RuntimeNames.LAYER_MATH);
    type.addMethod(MethodSpec.methodBuilder("forwardQuantized")
        .addJavadoc("One int8 sample: {@code qx} is {@code [C, H, W]}, {@code qy} receives {@code [M, OH, OW]}.\n")
        .addModifiers(Modifier.PUBLIC)
        .addParameter(byte[].class, "qx")
        .addParameter(byte[].class, "qy")
        .addCode(KernelClass.checkLengths("qx", "IN", "qy", "OUT"))
        .addComment("Centred inputs: a padded cell then reads as zx, i.e. real 0, and no product needs a zero-point term.")
        .addStatement("int[] x = new int[IN]")
        .beginControlFlow("for (int i = 0; i < IN; i++)")
        .addStatement("x[i] = qx[i] - inputZeroPoint")
        .endControlFlow()
        .addStatement("int[] acc = new int[PLANE]")
        .beginControlFlow("for (int m = 0; m < OUT_CHANNELS; m++)")
        .addStatement("$T.fill(acc, bias[m])", java.util.Arrays.class)
        .addStatement("taps(weights, m, x, acc, 0)")
        .addStatement("int yBase = m * PLANE")
        .beginControlFlow("for (int i = 0; i < PLANE; i++)")
        .addStatement("qy[yBase + i] = (byte) $L", requantize)
        .endControlFlow()
        .endControlFlow()
        .build());
    type.addMethod(MethodSpec.methodBuilder("forward")
        .addJavadoc("One float sample: quantized with the input parameters, run in int8, dequantized.\n")
        .addModifiers(Modifier.PUBLIC)
        .addParameter(float[].class, "x")
        .addParameter(float[].class, "y")
        .addCode(KernelClass.checkLengths("x", "IN", "y", "OUT"))
        .addStatement("byte[] qx = new byte[IN]")
        .beginControlFlow("for (int i = 0; i < IN; i++)")
        .addStatement("qx[i] = (byte) input.quantize(x[i])")
        .endControlFlow()
        .addStatement("byte[] qy = new byte[OUT]")
        .addStatement("forwardQuantized(qx, qy)")
        .beginControlFlow("for (int i = 0; i < OUT; i++)")
        .addStatement("y[i] = output.dequantize(qy[i])")
        .endControlFlow()
        .build());
  }
}
