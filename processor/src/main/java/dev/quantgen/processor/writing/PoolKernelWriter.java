package dev.quantgen.processor.writing;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.quantgen.processor.model.SpatialSpec;
import javax.lang.model.element.Element;
import javax.lang.model.element.Modifier;

/**
 * Writes {@code <Layer>_Pool}: max pooling (float and int8, which commutes with quantization) or
 * average pooling (float), every size a constant.
 */
final class PoolKernelWriter {
  private PoolKernelWriter() {}

  static TypeSpec pool(SpatialSpec layer, Element origin) {
    boolean max = layer.kind() == SpatialSpec.Kind.MAX_POOL;
    TypeSpec.Builder type =
        SpatialKernelWriter.start(layer, "Pool", origin)
            .addJavadoc(
                "$L pooling kernel of {@link $L}: {@code [$L, $L, $L]} to {@code [$L, $L, $L]}, window $Lx$L, stride $Lx$L.\n",
                max ? "Max" : "Average",
                layer.qualifiedName(),
                layer.inChannels(),
                layer.inHeight(),
                layer.inWidth(),
                layer.outChannels(),
                layer.outHeight(),
                layer.outWidth(),
                layer.window().kernelHeight(),
                layer.window().kernelWidth(),
                layer.window().strideHeight(),
                layer.window().strideWidth())
            .addJavadoc(
                max
                    ? "Padded cells are never read; the window is scanned row by row from its first real cell, as\n"
                        + "{@code MaxPool2d}, so results (NaN included) are the same. Int8 values pool directly: max commutes\n"
                        + "with the monotone quantization, so input and output share their parameters.\n"
                    : "Padded cells are not counted ({@code count_include_pad = 0}); the real cells are summed in float32\n"
                        + "row by row and divided by their number, as {@code AvgPool2d}: results are the same bit for bit.\n")
            .addJavadoc("Stateless; allocation-free.\n");
    type.addMethod(
        MethodSpec.constructorBuilder()
            .addModifiers(Modifier.PUBLIC)
            .addJavadoc("A pooling kernel: it has no parameters.\n")
            .build());
    boolean inside = inside(layer);
    type.addMethod(inside ? insideForward(max, false) : poolForward(max, false));
    if (max) {
      type.addMethod(inside ? insideForward(true, true) : poolForward(true, true));
    }
    return type.build();
  }

  /**
   * Whether every window lies inside the input (no padding is ever read), so the generated loop can
   * drop the per-position clipping and C2 unrolls the constant {@code KH x KW} window.
   */
  static boolean inside(SpatialSpec layer) {
    SpatialSpec.Window w = layer.window();
    return w.padTop() == 0
        && w.padLeft() == 0
        && (layer.outHeight() - 1) * w.strideHeight() + w.kernelHeight() <= layer.inHeight()
        && (layer.outWidth() - 1) * w.strideWidth() + w.kernelWidth() <= layer.inWidth();
  }

  /**
   * The loop when no window reaches the padding: the same cells in the same order as {@link
   * #poolForward} (which starts each window at its first cell), so results are identical bit for
   * bit.
   */
  private static MethodSpec insideForward(boolean max, boolean int8) {
    TypeName array = int8 ? ArrayTypeName.of(TypeName.BYTE) : ArrayTypeName.of(TypeName.FLOAT);
    MethodSpec.Builder b =
        MethodSpec.methodBuilder("forward")
            .addJavadoc(
                "One $L sample: {@code x} is {@code [C, H, W]}, {@code y} receives {@code [C, OH, OW]}; every\n"
                    + "window lies inside the input, so none is clipped.\n",
                int8 ? "int8" : "float")
            .addModifiers(Modifier.PUBLIC)
            .addParameter(array, "x")
            .addParameter(array, "y")
            .addCode(KernelClass.checkLengths("x", "IN", "y", "OUT"))
            .beginControlFlow("for (int c = 0, out = 0; c < OUT_CHANNELS; c++)")
            .beginControlFlow("for (int oy = 0; oy < OUT_HEIGHT; oy++)")
            .addStatement("int row = c * IN_PLANE + oy * SH * IN_WIDTH")
            .beginControlFlow("for (int ox = 0; ox < OUT_WIDTH; ox++, out++)")
            .addStatement("int at = row + ox * SW")
            .addStatement("$T v = $L", int8 ? TypeName.INT : TypeName.FLOAT, max ? "x[at]" : "0.0f")
            .beginControlFlow("for (int ky = 0; ky < KH; ky++)")
            .beginControlFlow("for (int kx = 0; kx < KW; kx++)")
            .addStatement(
                max
                    ? "v = Math.max(v, x[at + ky * IN_WIDTH + kx])"
                    : "v += x[at + ky * IN_WIDTH + kx]")
            .endControlFlow()
            .endControlFlow();
    if (max) {
      b.addStatement(int8 ? "y[out] = (byte) v" : "y[out] = v");
    } else {
      b.addStatement("y[out] = v / (KH * KW)");
    }
    return b.endControlFlow().endControlFlow().endControlFlow().build();
  }

  private static MethodSpec poolForward(boolean max, boolean int8) {
    TypeName array = int8 ? ArrayTypeName.of(TypeName.BYTE) : ArrayTypeName.of(TypeName.FLOAT);
    TypeName acc = int8 ? TypeName.INT : TypeName.FLOAT;
    MethodSpec.Builder b =
        MethodSpec.methodBuilder("forward")
            .addJavadoc(
                "One $L sample: {@code x} is {@code [C, H, W]}, {@code y} receives {@code [C, OH, OW]}.\n",
                int8 ? "int8" : "float")
            .addModifiers(Modifier.PUBLIC)
            .addParameter(array, "x")
            .addParameter(array, "y")
            .addCode(KernelClass.checkLengths("x", "IN", "y", "OUT"))
            .beginControlFlow("for (int c = 0; c < OUT_CHANNELS; c++)")
            .addStatement("int base = c * IN_PLANE")
            .beginControlFlow("for (int oy = 0; oy < OUT_HEIGHT; oy++)")
            .addStatement("int y0 = oy * SH - PAD_TOP")
            .addStatement("int kyFirst = Math.max(0, -y0)")
            .addStatement("int kyEnd = Math.min(KH, IN_HEIGHT - y0)")
            .beginControlFlow("for (int ox = 0; ox < OUT_WIDTH; ox++)")
            .addStatement("int x0 = ox * SW - PAD_LEFT")
            .addStatement("int kxFirst = Math.max(0, -x0)")
            .addStatement("int kxEnd = Math.min(KW, IN_WIDTH - x0)");
    if (max) {
      b.addStatement("$T v = x[base + (y0 + kyFirst) * IN_WIDTH + x0 + kxFirst]", acc);
    } else {
      b.addStatement("float v = 0.0f");
    }
    b.beginControlFlow("for (int ky = kyFirst; ky < kyEnd; ky++)")
        .addStatement("int at = base + (y0 + ky) * IN_WIDTH + x0")
        .beginControlFlow("for (int kx = kxFirst; kx < kxEnd; kx++)")
        .addStatement(max ? "v = Math.max(v, x[at + kx])" : "v += x[at + kx]")
        .endControlFlow()
        .endControlFlow();
    if (max) {
      b.addStatement(
          int8
              ? "y[(c * OUT_HEIGHT + oy) * OUT_WIDTH + ox] = (byte) v"
              : "y[(c * OUT_HEIGHT + oy) * OUT_WIDTH + ox] = v");
    } else {
      b.addStatement(
          "y[(c * OUT_HEIGHT + oy) * OUT_WIDTH + ox] = v / ((kyEnd - kyFirst) * (kxEnd - kxFirst))");
    }
    return b.endControlFlow().endControlFlow().endControlFlow().build();
  }
}
