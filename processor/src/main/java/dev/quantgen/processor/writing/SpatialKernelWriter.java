package dev.quantgen.processor.writing;

import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import dev.quantgen.annotations.Precision;
import dev.quantgen.processor.model.SpatialSpec;
import dev.quantgen.processor.model.SpatialSpec.Window;
import dev.quantgen.processor.model.VariantSpec;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.Element;
import javax.lang.model.element.Modifier;

/**
 * Writes the kernels of convolution and pooling layers, every size a constant:
 *
 * <ul>
 *   <li>{@code <Layer>_Fp32}: the FP32 convolution, always;
 *   <li>one class per {@code @Quantize} of a convolution ({@code <Layer>_Fp16}, {@code _Int8},
 *       {@code _Int4}, {@code _Binary}), written by {@link ConvKernelWriter};
 *   <li>{@code <Layer>_Pool}: max or average pooling, written by {@link PoolKernelWriter}.
 * </ul>
 */
public final class SpatialKernelWriter {
  private SpatialKernelWriter() {}

  /**
   * The generated sources of one spatial layer (none for {@code @Flatten}, which moves no value).
   */
  public static List<JavaFile> write(SpatialSpec layer, String processor, Element origin) {
    List<JavaFile> files = new ArrayList<>();
    switch (layer.kind()) {
      case CONV:
        files.add(
            file(
                layer,
                ConvKernelWriter.write(layer, VariantSpec.FP32_BASELINE, origin),
                processor));
        for (VariantSpec variant : layer.requested()) {
          if (variant.precision() != Precision.FP32) {
            files.add(file(layer, ConvKernelWriter.write(layer, variant, origin), processor));
          }
        }
        break;
      case MAX_POOL:
      case AVG_POOL:
        files.add(file(layer, PoolKernelWriter.pool(layer, origin), processor));
        break;
      default:
        break;
    }
    return files;
  }

  private static JavaFile file(SpatialSpec layer, TypeSpec type, String processor) {
    return GeneratedFile.of(layer.packageName(), type, processor, layer.qualifiedName());
  }

  /**
   * A kernel class with the shape constants, the resolved window and the size accessors every
   * spatial kernel has.
   */
  static TypeSpec.Builder start(SpatialSpec layer, String suffix, Element origin) {
    TypeSpec.Builder type =
        TypeSpec.classBuilder(layer.className(suffix))
            .addModifiers(Modifier.FINAL)
            .addOriginatingElement(origin);
    if (layer.isPublic()) {
      type.addModifiers(Modifier.PUBLIC);
    }
    Window w = layer.window();
    type.addField(KernelClass.constant("IN_CHANNELS", layer.inChannels(), "Input channels."));
    type.addField(KernelClass.constant("IN_HEIGHT", layer.inHeight(), "Input height."));
    type.addField(KernelClass.constant("IN_WIDTH", layer.inWidth(), "Input width."));
    type.addField(KernelClass.constant("OUT_CHANNELS", layer.outChannels(), "Output channels."));
    type.addField(KernelClass.constant("OUT_HEIGHT", layer.outHeight(), "Output height."));
    type.addField(KernelClass.constant("OUT_WIDTH", layer.outWidth(), "Output width."));
    type.addField(
        KernelClass.constant(
            "IN", layer.inSize(), "Input values per sample, {@code [C, H, W]} row-major."));
    type.addField(KernelClass.constant("OUT", layer.outSize(), "Output values per sample."));
    type.addField(
        FieldSpec.builder(
                RuntimeNames.WINDOW_2D, "WINDOW", Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
            .addJavadoc(
                "The window with its padding resolved for this input size (pads top, left, bottom, right).\n")
            .initializer(
                "new $T($L, $L, $L, $L, $L, $L, $T.EXPLICIT, $L, $L, $L, $L)",
                RuntimeNames.WINDOW_2D,
                w.kernelHeight(),
                w.kernelWidth(),
                w.strideHeight(),
                w.strideWidth(),
                w.dilationHeight(),
                w.dilationWidth(),
                RuntimeNames.PAD_MODE,
                w.padTop(),
                w.padLeft(),
                w.padBottom(),
                w.padRight())
            .build());
    type.addField(KernelClass.privateConstant("KH", w.kernelHeight(), "Kernel height."));
    type.addField(KernelClass.privateConstant("KW", w.kernelWidth(), "Kernel width."));
    type.addField(KernelClass.privateConstant("SH", w.strideHeight(), "Vertical stride."));
    type.addField(KernelClass.privateConstant("SW", w.strideWidth(), "Horizontal stride."));
    type.addField(
        KernelClass.privateConstant("PAD_TOP", w.padTop(), "Padding rows above the input."));
    type.addField(
        KernelClass.privateConstant("PAD_LEFT", w.padLeft(), "Padding columns left of the input."));
    type.addField(
        KernelClass.privateConstant(
            "IN_PLANE", layer.inHeight() * layer.inWidth(), "Cells per input channel."));
    type.addField(
        KernelClass.privateConstant(
            "PLANE", layer.outHeight() * layer.outWidth(), "Cells per output channel."));
    type.addMethod(
        MethodSpec.methodBuilder("inputSize")
            .addModifiers(Modifier.PUBLIC)
            .returns(int.class)
            .addJavadoc("{@link #IN}.\n")
            .addStatement("return IN")
            .build());
    type.addMethod(
        MethodSpec.methodBuilder("outputSize")
            .addModifiers(Modifier.PUBLIC)
            .returns(int.class)
            .addJavadoc("{@link #OUT}.\n")
            .addStatement("return OUT")
            .build());
    return type;
  }
}
