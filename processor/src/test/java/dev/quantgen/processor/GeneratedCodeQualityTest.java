package dev.quantgen.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Properties of the generated code as a whole, on the largest shapes of every variant: every method
 * stays under HotSpot's 8,000-byte JIT limit (DontCompileHugeMethods), the sources compile without
 * a single {@code -Xlint:all} warning, output is deterministic, and nothing imports {@code
 * jdk.incubator.vector}.
 */
class GeneratedCodeQualityTest {
  private static final int HUGE_METHOD_LIMIT = 8000;
  private static final List<JavaFileObject> LAYERS = new ArrayList<>();
  private static Compilation compilation;

  @BeforeAll
  static void compileLargeLayersOfEveryVariant() {
    String[] variants = {
      "@Quantize(precision = Precision.INT8, scheme = Scheme.ASYMMETRIC, perChannel = true)",
      "@Quantize(precision = Precision.INT4, scheme = Scheme.ASYMMETRIC, blockSize = 32, activations = Activations.DYNAMIC)",
      "@Quantize(precision = Precision.FP16)",
      "@Quantize(precision = Precision.BINARY, activations = Activations.BINARY)",
    };
    String[] more = {
      "@Quantize(precision = Precision.INT8, activations = Activations.DYNAMIC, perChannel = false)",
      "@Quantize(precision = Precision.INT4, activations = Activations.FLOAT, scheme = Scheme.ASYMMETRIC)",
      "@Quantize(precision = Precision.FP32)",
      "@Quantize(precision = Precision.BINARY, perChannel = false)",
    };
    for (int k = 0; k < variants.length; k++) {
      LAYERS.add(
          Compilations.source(
              "Big" + k,
              "@Dense(in = 4096, out = 4093, activation = Activation.RELU6)",
              variants[k],
              "public final class Big" + k + " {}"));
      LAYERS.add(
          Compilations.source(
              "Odd" + k,
              "@Dense(in = 1, out = 1, bias = false)",
              more[k],
              "public final class Odd" + k + " {}"));
    }
    LAYERS.add(
        Compilations.source("Net", "@Model(layers = {Big0.class})", "public interface Net {}"));
    LAYERS.add(
        Compilations.source(
            "BigConv",
            "@Conv2d(inChannels = 256, outChannels = 256, inHeight = 57, "
                + "inWidth = 55, kernel = 7, dilation = 3, paddingMode = Padding.SAME, activation = Activation.RELU6)",
            "@Quantize(precision = Precision.INT8)",
            "public final class BigConv {}"));
    LAYERS.add(
        Compilations.source(
            "BigPool",
            "@MaxPool2d(channels = 256, inHeight = 57, inWidth = 55, kernel = 3, " + "stride = 2)",
            "public final class BigPool {}"));
    LAYERS.add(
        Compilations.source(
            "BigAvg",
            "@AvgPool2d(channels = 256, inHeight = 28, inWidth = 27, kernel = 2)",
            "public final class BigAvg {}"));
    LAYERS.add(
        Compilations.source(
            "BigFlat",
            "@Flatten(channels = 256, height = 14, width = 13)",
            "public final class BigFlat {}"));
    LAYERS.add(
        Compilations.source(
            "BigHead",
            "@Dense(in = 46592, out = 10)",
            "@Quantize(precision = Precision.INT8)",
            "public final class BigHead {}"));
    LAYERS.add(
        Compilations.source(
            "ConvNet",
            "@Model(layers = {BigConv.class, BigPool.class, BigAvg.class, "
                + "BigFlat.class, BigHead.class})",
            "public interface ConvNet {}"));
    compilation = Compilations.compile(LAYERS);
    assertThat(compilation).succeeded();
  }

  @Test
  void everyGeneratedMethodIsSmallEnoughForTheJit() {
    Map<String, byte[]> classes = Compilations.classFiles(compilation);
    assertTrue(classes.size() > 16, "expected the generated classes, got " + classes.keySet());
    int[] checked = {0};
    for (Map.Entry<String, byte[]> e : classes.entrySet()) {
      // Re-encode each method through ASM's writer; a label after the last instruction gets the
      // offset that is the method's Code length.
      ClassWriter writer = new ClassWriter(0);
      new ClassReader(e.getValue())
          .accept(
              new ClassVisitor(Opcodes.ASM9, writer) {
                @Override
                public MethodVisitor visitMethod(
                    int access,
                    String name,
                    String descriptor,
                    String signature,
                    String[] exceptions) {
                  MethodVisitor delegate =
                      super.visitMethod(access, name, descriptor, signature, exceptions);
                  return new MethodVisitor(Opcodes.ASM9, delegate) {
                    private final Label end = new Label();

                    @Override
                    public void visitMaxs(int maxStack, int maxLocals) {
                      super.visitLabel(end);
                      int size = end.getOffset();
                      assertTrue(
                          size < HUGE_METHOD_LIMIT,
                          e.getKey()
                              + "."
                              + name
                              + Type.getMethodType(descriptor)
                              + " has "
                              + size
                              + " bytes of bytecode");
                      checked[0]++;
                      super.visitMaxs(maxStack, maxLocals);
                    }
                  };
                }
              },
              0);
    }
    assertTrue(checked[0] > 100, "checked only " + checked[0] + " methods");
  }

  @Test
  void generatedSourcesCompileWithoutAnyLintWarning() {
    // Compile the generated files on their own (no processors), so only their own warnings count.
    List<JavaFileObject> all = new ArrayList<>(LAYERS);
    all.addAll(compilation.generatedSourceFiles());
    Compilation again =
        javac().withOptions("-Xlint:all", "-Werror", "-proc:none", "--release", "17").compile(all);
    assertThat(again).succeededWithoutWarnings();
  }

  @Test
  void generatedCodeNeverImportsTheIncubatorVectorApi() throws Exception {
    for (JavaFileObject f : compilation.generatedSourceFiles()) {
      assertFalse(f.getCharContent(true).toString().contains("jdk.incubator"), f.getName());
    }
  }

  @Test
  void generationIsDeterministic() throws Exception {
    Compilation second = Compilations.compile(LAYERS);
    for (JavaFileObject f : compilation.generatedSourceFiles()) {
      String name =
          f.getName()
              .substring(f.getName().indexOf("/test/") + 1)
              .replace(".java", "")
              .replace('/', '.');
      String again = second.generatedSourceFile(name).orElseThrow().getCharContent(true).toString();
      org.junit.jupiter.api.Assertions.assertEquals(f.getCharContent(true).toString(), again, name);
    }
  }
}
