package dev.quantgen.processor;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

class QuickLook {
  @Test
  void show() throws Exception {
    Compilation c = Compilations.compile(Compilations.source("Hidden",
        "@Dense(in = 10, out = 3, activation = Activation.RELU)",
        "@Quantize(precision = Precision.INT8)",
        "@Quantize(precision = Precision.INT4, scheme = Scheme.ASYMMETRIC, blockSize = 4, activations = Activations.DYNAMIC)",
        "@Quantize(precision = Precision.BINARY, activations = Activations.BINARY)",
        "@Quantize(precision = Precision.FP16)",
        "public final class Hidden {}"));
    for (javax.tools.Diagnostic<?> d : c.diagnostics()) System.out.println(d.getMessage(null).split("\n")[0] + d.getMessage(null).split("\n").length);
    for (JavaFileObject f : c.generatedSourceFiles()) {
      System.out.println("==== " + f.getName());
      System.out.println(f.getCharContent(true));
    }
  }
}
