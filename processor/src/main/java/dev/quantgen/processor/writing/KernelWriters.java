package dev.quantgen.processor.writing;

import com.palantir.javapoet.JavaFile;
import dev.quantgen.processor.model.LayerSpec;
import dev.quantgen.processor.model.VariantSpec;
import javax.lang.model.element.Element;

/** Picks the writer of a variant's kernel class. */
public final class KernelWriters {
  private KernelWriters() {}

  /** The generated source of one variant of a dense layer. */
  public static JavaFile write(
      LayerSpec layer, VariantSpec variant, String processor, Element origin) {
    switch (variant.precision()) {
      case FP32:
      case FP16:
        return FloatKernelWriter.write(layer, variant, processor, origin);
      case INT8:
      case INT4:
        return IntegerKernelWriter.write(layer, variant, processor, origin);
      default:
        return BinaryKernelWriter.write(layer, variant, processor, origin);
    }
  }
}
