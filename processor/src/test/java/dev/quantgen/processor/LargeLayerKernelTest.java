package dev.quantgen.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import dev.quantgen.runtime.kernel.Rows;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Generated dense layers large enough that one sample's rows are split across cores ({@code
 * Rows.forEach}, at {@link Rows#MIN_PARALLEL_MACS} multiply-adds and above; binary rows count
 * {@code 8} per packed 64-bit word) match the runtime's reference at every precision, one sample at
 * a time and as a batch: integer pipelines bit for bit, float sums within {@link
 * KernelFunctionalTest}'s Higham bound. The odd shapes make the last core's share of rows not a
 * multiple of four.
 */
class LargeLayerKernelTest {
  /** 1031 x 1029 = 1,060,899 multiply-adds: just above the split threshold. */
  private static final int IN = 1031;

  private static final int OUT = 1029;

  /** 65 words x 8 x 2019 rows = 1,049,880 word-weighted multiply-adds: a split binary layer. */
  private static final int BINARY_IN = 4159;

  private static final int BINARY_OUT = 2019;

  private static final List<KernelFunctionalTest.Case> CASES =
      List.of(
          dense("LargeFp16", "FP16", "SYMMETRIC", false, "FLOAT", 0, "INTEGER", true, "RELU"),
          dense("LargeInt8Static", "INT8", "SYMMETRIC", true, "STATIC", 0, "INTEGER", true, "NONE"),
          dense(
              "LargeInt8StaticFloat",
              "INT8",
              "ASYMMETRIC",
              false,
              "STATIC",
              0,
              "FLOAT",
              false,
              "RELU6"),
          dense(
              "LargeInt8Dynamic",
              "INT8",
              "ASYMMETRIC",
              true,
              "DYNAMIC",
              0,
              "INTEGER",
              true,
              "RELU"),
          dense(
              "LargeInt8WeightOnly",
              "INT8",
              "SYMMETRIC",
              true,
              "FLOAT",
              0,
              "INTEGER",
              true,
              "NONE"),
          dense(
              "LargeInt4Static", "INT4", "ASYMMETRIC", true, "STATIC", 0, "INTEGER", true, "RELU"),
          dense(
              "LargeInt4Dynamic",
              "INT4",
              "SYMMETRIC",
              true,
              "DYNAMIC",
              0,
              "INTEGER",
              false,
              "NONE"),
          dense(
              "LargeInt4Blocks", "INT4", "SYMMETRIC", true, "DYNAMIC", 16, "INTEGER", true, "RELU"),
          new KernelFunctionalTest.Case(
              "LargeBinaryFloat",
              "BINARY",
              "SYMMETRIC",
              true,
              "FLOAT",
              0,
              "INTEGER",
              BINARY_IN,
              BINARY_OUT,
              true,
              "RELU"),
          new KernelFunctionalTest.Case(
              "LargeBinaryBinary",
              "BINARY",
              "SYMMETRIC",
              false,
              "BINARY",
              0,
              "INTEGER",
              BINARY_IN,
              BINARY_OUT,
              true,
              "NONE"));

  private static ClassLoader loader;

  private static KernelFunctionalTest.Case dense(
      String name,
      String precision,
      String scheme,
      boolean perChannel,
      String activations,
      int blockSize,
      String requantization,
      boolean bias,
      String activation) {
    return new KernelFunctionalTest.Case(
        name,
        precision,
        scheme,
        perChannel,
        activations,
        blockSize,
        requantization,
        IN,
        OUT,
        bias,
        activation);
  }

  @BeforeAll
  static void compileLargeLayers() {
    assertTrue(
        (long) IN * OUT >= Rows.MIN_PARALLEL_MACS, "dense shape must be above the split threshold");
    assertTrue(
        (BINARY_IN + 63) / 64 * 8L * BINARY_OUT >= Rows.MIN_PARALLEL_MACS,
        "binary shape must split");
    System.out.printf(
        "[large-layers] rows split across %d threads (Rows.threads(); -Dquantgen.threads changes it)%n",
        Rows.threads());
    Compilation compilation =
        Compilations.compile(
            CASES.stream().map(KernelFunctionalTest.Case::source).toArray(JavaFileObject[]::new));
    assertThat(compilation).succeeded();
    loader = Compilations.loader(compilation);
  }

  @TestFactory
  Stream<DynamicTest> splitLayersMatchTheReferenceOneSampleAndBatched() {
    // Each layer's own precision, and its FP32 variant (generated for every layer).
    return Stream.concat(
        CASES.stream()
            .map(
                c ->
                    DynamicTest.dynamicTest(
                        c.name() + " " + c.suffix(),
                        () -> KernelFunctionalTest.check(loader, c, c.suffix(), true))),
        Stream.of(CASES.get(1))
            .map(
                c ->
                    DynamicTest.dynamicTest(
                        c.name() + " Fp32",
                        () -> KernelFunctionalTest.check(loader, c, "Fp32", true))));
  }
}
