package dev.quantgen.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.quantgen.processor.Compilations.compile;
import static dev.quantgen.processor.Compilations.source;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** One test per layer diagnostic, pinned to the line of the attribute at fault. */
class LayerErrorsTest {
  private static void assertError(JavaFileObject file, Message message, String line) {
    Compilation compilation = compile(file);
    assertThat(compilation).failed();
    assertThat(compilation)
        .hadErrorContaining("[" + message.tag() + "]")
        .inFile(file)
        .onLineContaining(line);
  }

  @Test
  void quantizeWithoutALayerAnnotationIsNotALayer() {
    assertError(
        source("Plain", "@Quantize(precision = Precision.INT8)", "final class Plain {}"),
        Message.NOT_A_LAYER,
        "@Quantize");
  }

  @Test
  void twoLayerAnnotationsConflict() {
    assertError(
        source(
            "Both",
            "@Dense(in = 4, out = 2)",
            "@Flatten(channels = 1, height = 2, width = 2)",
            "final class Both {}"),
        Message.CONFLICTING_LAYERS,
        "@Flatten");
  }

  @Test
  void nonPositiveInIsAnInvalidShape() {
    assertError(
        source("Empty", "@Dense(", "    in = 0,", "    out = 3)", "final class Empty {}"),
        Message.INVALID_SHAPE,
        "in = 0");
  }

  @Test
  void negativeOutIsAnInvalidShape() {
    assertError(
        source("Negative", "@Dense(in = 3,", "    out = -1)", "final class Negative {}"),
        Message.INVALID_SHAPE,
        "out = -1");
  }

  @Test
  void binaryWithAsymmetricSchemeIsUnsupported() {
    JavaFileObject file =
        source(
            "Bin",
            "@Dense(in = 8, out = 2)",
            "@Quantize(precision = Precision.BINARY,",
            "    scheme = Scheme.ASYMMETRIC)",
            "final class Bin {}");
    assertError(file, Message.UNSUPPORTED_COMBINATION, "scheme = Scheme.ASYMMETRIC");
    assertThat(compile(file)).hadErrorContaining("precision = BINARY requires scheme = SYMMETRIC");
  }

  @Test
  void staticActivationsOnFp16AreUnsupported() {
    assertError(
        source(
            "Half",
            "@Dense(in = 8, out = 2)",
            "@Quantize(precision = Precision.FP16,",
            "    activations = Activations.STATIC)",
            "final class Half {}"),
        Message.UNSUPPORTED_COMBINATION,
        "activations = Activations.STATIC");
  }

  @Test
  void binaryActivationsOnInt8AreUnsupported() {
    assertError(
        source(
            "Int8Bin",
            "@Dense(in = 8, out = 2)",
            "@Quantize(precision = Precision.INT8,",
            "    activations = Activations.BINARY)",
            "final class Int8Bin {}"),
        Message.UNSUPPORTED_COMBINATION,
        "activations = Activations.BINARY");
  }

  @Test
  void floatRequantizationNeedsStaticActivations() {
    assertError(
        source(
            "Dyn",
            "@Dense(in = 8, out = 2)",
            "@Quantize(precision = Precision.INT8, activations = Activations.DYNAMIC,",
            "    requantization = Requantization.FLOAT)",
            "final class Dyn {}"),
        Message.UNSUPPORTED_COMBINATION,
        "requantization = Requantization.FLOAT");
  }

  @Test
  void oddBlockSizeIsInvalid() {
    assertError(
        source(
            "Odd",
            "@Dense(in = 8, out = 2)",
            "@Quantize(precision = Precision.INT4, activations = Activations.FLOAT,",
            "    blockSize = 3)",
            "final class Odd {}"),
        Message.INVALID_BLOCK_SIZE,
        "blockSize = 3");
  }

  @Test
  void blockSizeOnInt8IsInvalid() {
    assertError(
        source(
            "Int8Blocks",
            "@Dense(in = 8, out = 2)",
            "@Quantize(precision = Precision.INT8,",
            "    blockSize = 4)",
            "final class Int8Blocks {}"),
        Message.INVALID_BLOCK_SIZE,
        "blockSize = 4");
  }

  @Test
  void blockSizeWithStaticActivationsIsInvalid() {
    JavaFileObject file =
        source(
            "StaticBlocks",
            "@Dense(in = 8, out = 2)",
            "@Quantize(precision = Precision.INT4,",
            "    blockSize = 4)",
            "final class StaticBlocks {}");
    assertError(file, Message.INVALID_BLOCK_SIZE, "blockSize = 4");
    assertThat(compile(file)).hadErrorContaining("set activations = FLOAT or DYNAMIC");
  }

  @Test
  void samePrecisionTwiceIsADuplicateVariant() {
    assertError(
        source(
            "Twice",
            "@Dense(in = 8, out = 2)",
            "@Quantize(precision = Precision.INT8)",
            "@Quantize(precision = Precision.INT8, scheme = Scheme.ASYMMETRIC)",
            "final class Twice {}"),
        Message.DUPLICATE_VARIANT,
        "scheme = Scheme.ASYMMETRIC");
  }

  @Test
  void asymmetricInt8WithHugeFanInCouldOverflowTheAccumulator() {
    // 33026 * 255 * 255 = 2147515650 > 2^31 - 1; one input fewer would fit.
    JavaFileObject file =
        source(
            "Wide",
            "@Dense(in = 33026, out = 1)",
            "@Quantize(precision = Precision.INT8,",
            "    scheme = Scheme.ASYMMETRIC)",
            "final class Wide {}");
    assertError(file, Message.ACCUMULATOR_OVERFLOW, "precision = Precision.INT8");
    assertThat(compile(file)).hadErrorContaining("= 2147515650 > 2^31 - 1");
  }

  @Test
  void theLargestFanInThatFitsIsAccepted() {
    // 33025 * 255 * 255 = 2147450625 <= 2^31 - 1.
    assertThat(
            compile(
                source(
                    "JustFits",
                    "@Dense(in = 33025, out = 1)",
                    "@Quantize(precision = Precision.INT8, scheme = Scheme.ASYMMETRIC)",
                    "final class JustFits {}")))
        .succeeded();
  }

  @Test
  void weightOnlyActivationsHaveNoIntegerAccumulatorToOverflow() {
    assertThat(
            compile(
                source(
                    "WideFloat",
                    "@Dense(in = 40000, out = 1)",
                    "@Quantize(precision = Precision.INT8, scheme = Scheme.ASYMMETRIC, activations = Activations.FLOAT)",
                    "final class WideFloat {}")))
        .succeeded();
  }

  @Test
  void convolutionsWithAsymmetricWeightsWarnAndFallBackToFp32() {
    JavaFileObject file =
        source(
            "Conv",
            "@Conv2d(inChannels = 3, outChannels = 8, inHeight = 28, inWidth = 28, kernel = 3)",
            "@Quantize(precision = Precision.INT4, scheme = Scheme.ASYMMETRIC)",
            "final class Conv {}");
    Compilation compilation = compile(file);
    assertThat(compilation).succeeded();
    assertThat(compilation)
        .hadWarningContaining(
            "[QuantizeNoKernel] @Conv2d layers have no INT4 with asymmetric "
                + "weights (convolutions quantize weights symmetric per output channel) kernel yet: no class is generated for "
                + "this @Quantize of Conv; its FP32 kernel runs instead; use symmetric per-channel weights (the default)")
        .inFile(file)
        .onLineContaining("@Quantize");
    assertThat(compilation).generatedSourceFile("test.Conv_Fp32");
    org.junit.jupiter.api.Assertions.assertTrue(
        compilation.generatedSourceFile("test.Conv_Int4").isEmpty());
  }

  @Test
  void poolingIgnoresAQuantizeWithAWarning() {
    JavaFileObject file =
        source(
            "Pool",
            "@MaxPool2d(channels = 3, inHeight = 4, inWidth = 4, kernel = 2)",
            "@Quantize(precision = Precision.INT4)",
            "final class Pool {}");
    Compilation compilation = compile(file);
    assertThat(compilation).succeeded();
    assertThat(compilation)
        .hadWarningContaining(
            "[QuantizeNoKernel] @MaxPool2d layers have no INT4 (STATIC "
                + "activations) kernel yet: no class is generated for this @Quantize of Pool; its one kernel serves every "
                + "precision")
        .inFile(file)
        .onLineContaining("@Quantize");
    assertThat(compilation).generatedSourceFile("test.Pool_Pool");
  }

  @Test
  void convolutionsWithPerTensorWeightsWarnAndFallBackToFp32() {
    JavaFileObject file =
        source(
            "Conv",
            "@Conv2d(inChannels = 3, outChannels = 8, inHeight = 28, inWidth = 28, kernel = 3)",
            "@Quantize(precision = Precision.INT8, perChannel = false)",
            "final class Conv {}");
    Compilation compilation = compile(file);
    assertThat(compilation).succeeded();
    assertThat(compilation)
        .hadWarningContaining("INT8 with per-tensor weights")
        .inFile(file)
        .onLineContaining("@Quantize");
  }

  @Test
  void convolutionsGetAKernelAtEveryPrecisionWithoutWarnings() {
    Compilation compilation =
        compile(
            source(
                "Conv",
                "@Conv2d(inChannels = 3, outChannels = 8, inHeight = 28, inWidth = 28, kernel = 3)",
                "@Quantize(precision = Precision.FP16)",
                "@Quantize(precision = Precision.INT4)",
                "@Quantize(precision = Precision.BINARY, activations = Activations.BINARY)",
                "@Quantize(precision = Precision.INT8, activations = Activations.DYNAMIC)",
                "final class Conv {}"));
    assertThat(compilation).succeeded();
    org.junit.jupiter.api.Assertions.assertTrue(
        compilation.warnings().stream().noneMatch(d -> d.getMessage(null).contains("[Quantize")),
        compilation.warnings().toString());
    for (String suffix : new String[] {"Fp32", "Fp16", "Int4", "Binary", "Int8"}) {
      assertThat(compilation).generatedSourceFile("test.Conv_" + suffix);
    }
  }

  @Test
  void convolutionsAndPoolingGetKernelsWithoutWarnings() {
    Compilation compilation =
        compile(
            source(
                "Conv",
                "@Conv2d(inChannels = 3, outChannels = 8, inHeight = 28, inWidth = 28, kernel = 3)",
                "@Quantize(precision = Precision.INT8)",
                "final class Conv {}"),
            source(
                "Pool",
                "@AvgPool2d(channels = 3, inHeight = 5, inWidth = 5, kernel = 2)",
                "final class Pool {}"));
    assertThat(compilation).succeeded();
    org.junit.jupiter.api.Assertions.assertTrue(
        compilation.warnings().stream()
            .noneMatch(d -> d.getMessage(null).contains("[QuantizeNoKernel]")),
        compilation.warnings().toString());
    assertThat(compilation).generatedSourceFile("test.Conv_Int8");
    assertThat(compilation).generatedSourceFile("test.Pool_Pool");
  }

  @Test
  void convolutionGroupsMustDivideTheChannels() {
    assertError(
        source(
            "Grouped",
            "@Conv2d(inChannels = 3, outChannels = 8, inHeight = 28, inWidth = 28, kernel = 3,",
            "    groups = 2)",
            "final class Grouped {}"),
        Message.INVALID_SHAPE,
        "groups = 2");
  }

  @Test
  void samePaddingWithExplicitPaddingIsInvalid() {
    assertError(
        source(
            "Same",
            "@Conv2d(inChannels = 1, outChannels = 1, inHeight = 8, inWidth = 8, kernel = 3,",
            "    paddingMode = Padding.SAME, padding = 1)",
            "final class Same {}"),
        Message.INVALID_SHAPE,
        "padding = 1");
  }

  @Test
  void aKernelLargerThanThePaddedInputIsInvalid() {
    assertError(
        source(
            "Big",
            "@MaxPool2d(channels = 1, inHeight = 2, inWidth = 2,",
            "    kernel = {3, 3})",
            "final class Big {}"),
        Message.INVALID_SHAPE,
        "kernel = {3, 3}");
  }

  @Test
  void oneBadClassDoesNotStopTheOthers() {
    JavaFileObject bad = source("Bad", "@Dense(in = 0, out = 3)", "final class Bad {}");
    JavaFileObject good =
        source(
            "Good",
            "@Dense(in = 4, out = 3)",
            "@Quantize(precision = Precision.INT8)",
            "final class Good {}");
    Compilation compilation = compile(bad, good);
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining("[QuantizeInvalidShape]")
        .inFile(bad)
        .onLineContaining("in = 0");
    org.junit.jupiter.api.Assertions.assertEquals(
        java.util.Set.of("test.Good_Fp32.java", "test.Good_Int8.java"),
        Compilations.generatedSourcesDespiteErrors(bad, good));
  }

  @Test
  void anUnexpectedExceptionIsReportedOnItsClassNotThrownIntoJavac() {
    JavaFileObject file = source("Boom", "@Dense(in = 4, out = 3)", "final class Boom {}");
    Compilation compilation =
        com.google.testing.compile.Compiler.javac()
            .withProcessors(new LayerProcessor())
            .withOptions("-A" + LayerProcessor.FAIL_ON_OPTION + "=test.Boom")
            .compile(
                file,
                JavaFileObjects.forSourceLines(
                    "test.Fine",
                    "package test;",
                    "@dev.quantgen.annotations.Dense(in = 2, out = 1) final class Fine {}"));
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining("[QuantizeException]")
        .inFile(file)
        .onLineContaining("class Boom");
    assertThat(compilation).hadErrorContaining("failure requested by");
  }

  /**
   * Found by RandomAnnotationsTest: the SAME check read the rejected padding and crashed the
   * processor.
   */
  @Test
  void negativePaddingWithSamePaddingModeIsAnInvalidShapeNotAnException() {
    JavaFileObject file =
        source(
            "SamePool",
            "@MaxPool2d(channels = 1, inHeight = 4, inWidth = 4, kernel = 2,",
            "    padding = -1, paddingMode = Padding.SAME)",
            "final class SamePool {}");
    assertError(file, Message.INVALID_SHAPE, "padding = -1");
    assertThat(compile(file)).hadErrorCount(1);
  }
}
