package dev.quantgen.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import dev.quantgen.runtime.numerics.FloatTensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hand-made hostile ONNX models (issue 19): attribute values that used to wrap an int cast, window
 * arithmetic that used to overflow, sizes that used to end in an OutOfMemoryError, and opsets that
 * used to be accepted silently. Each is now a one-line error naming the node and the attribute (or
 * the file and the field); shared initializers are shared.
 */
class HostileModelTest {
  private static final long TWO_TO_32_PLUS_1 = (1L << 32) + 1;

  @TempDir Path tmp;

  /**
   * One Conv named 'c' with a {@code [m, c / group, 3, 3]} weight over a {@code [1, c, 28, 28]}
   * input.
   */
  private static Graphs conv(int c, int m, int perGroup, OnnxMl.AttributeProto... attributes) {
    Graphs g =
        new Graphs(1)
            .input("x", 1, c, 28, 28)
            .output("y", 1, m, 28, 28)
            .randomFloats("W", 0.1, 0, m, perGroup, 3, 3);
    OnnxMl.NodeProto.Builder n = g.node("Conv", "c", List.of("x", "W"), "y");
    for (OnnxMl.AttributeProto a : attributes) {
      n.addAttribute(a);
    }
    return g;
  }

  private static String lowering(Graphs g) {
    return lowering(g, LoweringLimits.fromSystemProperties());
  }

  private static String lowering(Graphs g, LoweringLimits limits) {
    byte[] bytes = g.toBytes(13);
    return assertThrows(
            UnsupportedOperatorException.class,
            () -> GraphLowering.lower(OnnxModel.parse(bytes, "m.onnx"), limits))
        .getMessage();
  }

  // ---- attributes are range-checked as longs before they become ints ----

  @Test
  void strideOf2To32Plus1IsRejectedInsteadOfBecoming1() {
    assertEquals(
        "node 'c' (Conv): attribute strides [4294967297, 1]: element 0 is 4294967297, expected"
            + " 1..2147483647",
        lowering(conv(1, 1, 1, Graphs.ints("strides", TWO_TO_32_PLUS_1, 1))));
  }

  @Test
  void padOf2To32Plus1IsRejectedInsteadOfBecoming1() {
    assertEquals(
        "node 'c' (Conv): attribute pads [0, 4294967297, 0, 0]: element 1 is 4294967297, expected"
            + " 0..2147483647",
        lowering(conv(1, 1, 1, Graphs.ints("pads", 0, TWO_TO_32_PLUS_1, 0, 0))));
  }

  @Test
  void groupOf2To32Plus1IsRejectedInsteadOfBecoming1() {
    assertEquals(
        "node 'c' (Conv): attribute group = 4294967297: expected 1..2147483647",
        lowering(conv(1, 1, 1, Graphs.integer("group", TWO_TO_32_PLUS_1))));
  }

  @Test
  void poolKernelOf2To32Plus1IsRejectedInsteadOfBecoming1() {
    Graphs g = new Graphs(1).input("x", 1, 1, 28, 28).output("y", 1, 1, 28, 27);
    g.node("MaxPool", "p", List.of("x"), "y")
        .addAttribute(Graphs.ints("kernel_shape", TWO_TO_32_PLUS_1, 2));
    assertEquals(
        "node 'p' (MaxPool): attribute kernel_shape [4294967297, 2]: element 0 is 4294967297, expected"
            + " 1..2147483647",
        lowering(g));
  }

  @Test
  void negativePadsZeroStridesAndZeroDilationsNameTheNodeAndAttribute() {
    assertEquals(
        "node 'c' (Conv): attribute pads [-1, 0, 0, 0]: element 0 is -1, expected 0..2147483647",
        lowering(conv(1, 1, 1, Graphs.ints("pads", -1, 0, 0, 0))));
    assertEquals(
        "node 'c' (Conv): attribute strides [1, 0]: element 1 is 0, expected 1..2147483647",
        lowering(conv(1, 1, 1, Graphs.ints("strides", 1, 0))));
    assertEquals(
        "node 'c' (Conv): attribute dilations [0, 1]: element 0 is 0, expected 1..2147483647",
        lowering(conv(1, 1, 1, Graphs.ints("dilations", 0, 1))));
    assertEquals(
        "node 'c' (Conv): attribute group = 0: expected 1..2147483647",
        lowering(conv(1, 1, 1, Graphs.integer("group", 0))));
  }

  @Test
  void anAttributeOfTheWrongKindNamesTheNode() {
    assertEquals(
        "node 'c' (Conv): attribute 'strides' is INT, expected INTS",
        lowering(conv(1, 1, 1, Graphs.integer("strides", 2))));
  }

  @Test
  void aDilationNear2To31IsRejectedInsteadOfGrowingTheOutput() {
    // int arithmetic: 2 * 2147483600 + 1 wrapped to -95, and the 28x28 input gave a 124x124 output
    assertEquals(
        "node 'c' (Conv): kernel 3 x 3 with dilations=[2147483600, 2147483600] does not fit the input"
            + " [1, 28, 28]: height 28 with pads 0+0 is smaller than the dilated kernel extent 4294967201: expected at"
            + " least one output position",
        lowering(conv(1, 1, 1, Graphs.ints("dilations", 2147483600, 2147483600))));
  }

  @Test
  void padsWhosePaddedSizePasses2To31AreRejected() {
    assertEquals(
        "node 'c' (Conv): kernel 3 x 3 with pads=[2147483647, 0, 2147483647, 0] does not fit the input"
            + " [1, 28, 28]: height 28 with pads 2147483647+2147483647 is 4294967322 cells: expected a padded size of at"
            + " most 2^31 - 1 (dilated kernel extent 3)",
        lowering(conv(1, 1, 1, Graphs.ints("pads", Integer.MAX_VALUE, 0, Integer.MAX_VALUE, 0))));
  }

  @Test
  void aKernelLargerThanThePaddedInputNamesTheNode() {
    Graphs g =
        new Graphs(1)
            .input("x", 1, 1, 2, 2)
            .output("y", 1, 1, 1, 1)
            .randomFloats("W", 0.1, 0, 1, 1, 3, 3);
    g.node("Conv", "c", List.of("x", "W"), "y");
    assertEquals(
        "node 'c' (Conv): kernel 3 x 3 does not fit the input [1, 2, 2]: height 2 with pads 0+0 is"
            + " smaller than the dilated kernel extent 3: expected at least one output position",
        lowering(g));
  }

  @Test
  void aGroupThatDoesNotDivideTheOutputChannelsNamesTheNodeAndAttribute() {
    assertEquals(
        "node 'c' (Conv): attribute group = 2 does not divide the weight's 3 output channels"
            + " [3, 1, 3, 3]: expected a divisor of both the input and output channels",
        lowering(conv(2, 3, 1, Graphs.integer("group", 2))));
  }

  // ---- sizes are checked against the limits before anything of that size exists ----

  @Test
  void aPaddedActivationOf8GigabytesIsAOneLineError() {
    // 28 + 2 * 23000 = 46028: [1, 46028, 46028] is 2.1 billion floats, 8 GB, from a few hundred
    // bytes
    Graphs g =
        new Graphs(1)
            .input("x", 1, 1, 28, 28)
            .output("y", 1, 1, 46028, 46028)
            .randomFloats("W", 0.1, 0, 1, 1, 1, 1);
    g.node("Conv", "c", List.of("x", "W"), "y")
        .addAttribute(Graphs.ints("pads", 23000, 23000, 23000, 23000));
    assertEquals(
        "node 'c' (Conv): output [1, 46028, 46028] has 2118576784 elements per sample: expected at most"
            + " 268435456 (quantgen.onnx.maxTensorElements, see docs/limits.md)",
        lowering(g));
  }

  @Test
  void aPoolingWindowBeyondTheTensorLimitIsAOneLineError() {
    // a 20000 x 20000 window over a padded 28 x 28 input: 400 million cells listed per output cell
    Graphs g = new Graphs(1).input("x", 1, 1, 28, 28).output("y", 1, 1, 29, 29);
    g.node("MaxPool", "p", List.of("x"), "y")
        .addAttribute(Graphs.ints("kernel_shape", 20000, 20000))
        .addAttribute(Graphs.ints("pads", 10000, 10000, 10000, 10000));
    assertEquals(
        "node 'p' (MaxPool): attribute kernel_shape [20000, 20000] has 400000000 cells per window:"
            + " expected at most 268435456 (quantgen.onnx.maxTensorElements, see docs/limits.md)",
        lowering(g));
  }

  @Test
  void anInputBeyondTheTensorLimitIsAOneLineError() {
    Graphs g =
        new Graphs(1)
            .input("x", 1, 1, 40000, 40000)
            .output("y", 1, 1, 40000, 40000)
            .randomFloats("W", 0.1, 0, 1, 1, 1, 1);
    g.node("Conv", "c", List.of("x", "W"), "y");
    assertEquals(
        "m.onnx: input x: float[1, 1, 40000, 40000] has 1600000000 elements per sample: expected at most"
            + " 268435456 (quantgen.onnx.maxTensorElements, see docs/limits.md)",
        lowering(g));
  }

  @Test
  void aWeightBeyondAConfiguredTensorLimitIsAOneLineError() {
    Graphs smallConv =
        new Graphs(1)
            .input("x", 1, 1, 3, 3)
            .output("y", 1, 4, 1, 1)
            .randomFloats("W", 0.1, 0, 4, 1, 3, 3);
    smallConv.node("Conv", "c", List.of("x", "W"), "y");
    assertEquals(
        "node 'c' (Conv): weight [4, 1, 3, 3] has 36 elements: expected at most 35"
            + " (quantgen.onnx.maxTensorElements, see docs/limits.md)",
        lowering(smallConv, new LoweringLimits(35, 1 << 20)));
  }

  /** A chain of {@code count} MatMul nodes all reading the one {@code [k, k]} initializer W. */
  private static Graphs sharedMatMuls(int count, int k) {
    Graphs g = new Graphs(1).input("x", 1, k).output("y", 1, k).randomFloats("W", 0.1, 0, k, k);
    for (int i = 0; i < count; i++) {
      g.node(
          "MatMul",
          "m" + i,
          List.of(i == 0 ? "x" : "h" + (i - 1), "W"),
          i == count - 1 ? "y" : "h" + i);
    }
    return g;
  }

  @Test
  void layersThatShareAnInitializerShareOneWeightTensor() throws Exception {
    LoweredModel m =
        GraphLowering.lower(OnnxModel.parse(sharedMatMuls(50, 16).toBytes(13), "m.onnx"));
    assertEquals(50, m.layers().size());
    FloatTensor first = ((DenseSpec) m.layers().get(0)).weights();
    for (LoweredLayer layer : m.layers()) {
      assertSame(first, ((DenseSpec) layer).weights(), layer.name());
    }
  }

  @Test
  void layersReadingTheSameConstantReshapeOfAnInitializerShareOneWeightTensor() throws Exception {
    // mnist-8 reshapes its dense weight with a constant Reshape; repeated, each used to be a copy
    Graphs g =
        new Graphs(1)
            .input("x", 1, 16)
            .output("y", 1, 16)
            .randomFloats("W", 0.1, 0, 256)
            .longs("shape", 16, 16);
    for (int i = 0; i < 20; i++) {
      g.node("Reshape", "r" + i, List.of("W", "shape"), "W" + i);
      g.node(
          "MatMul",
          "m" + i,
          List.of(i == 0 ? "x" : "h" + (i - 1), "W" + i),
          i == 19 ? "y" : "h" + i);
    }
    LoweredModel m = GraphLowering.lower(OnnxModel.parse(g.toBytes(13), "m.onnx"));
    FloatTensor first = ((DenseSpec) m.layers().get(0)).weights();
    for (LoweredLayer layer : m.layers()) {
      assertSame(first, ((DenseSpec) layer).weights(), layer.name());
    }
  }

  @Test
  void convolutionsShareTheirInitializerUntilBatchNormalizationIsFoldedIntoOne() throws Exception {
    Graphs g =
        new Graphs(1)
            .input("x", 1, 2, 6, 6)
            .output("y", 1, 2, 6, 6)
            .randomFloats("W", 0.3, 0, 2, 2, 3, 3)
            .randomFloats("gamma", 0.3, 1, 2)
            .randomFloats("beta", 0.2, 0, 2)
            .randomFloats("mean", 0.2, 0, 2)
            .randomFloats("var", 0.1, 1, 2);
    g.node("Conv", "c0", List.of("x", "W"), "a").addAttribute(Graphs.ints("pads", 1, 1, 1, 1));
    g.node("BatchNormalization", "bn", List.of("a", "gamma", "beta", "mean", "var"), "b");
    g.node("Conv", "c1", List.of("b", "W"), "c").addAttribute(Graphs.ints("pads", 1, 1, 1, 1));
    g.node("Conv", "c2", List.of("c", "W"), "y").addAttribute(Graphs.ints("pads", 1, 1, 1, 1));
    OnnxModel model = OnnxModel.parse(g.toBytes(13), "m.onnx");
    LoweredModel m = GraphLowering.lower(model);
    FloatTensor initializer = model.initializers().get("W").floats();
    ConvSpec folded = (ConvSpec) m.layers().get(0);
    assertNotSame(initializer, folded.weights());
    assertTrue(
        !initializer.equals(folded.weights()), "the folded layer has its own, scaled, weights");
    assertSame(initializer, ((ConvSpec) m.layers().get(1)).weights());
    assertSame(initializer, ((ConvSpec) m.layers().get(2)).weights());
  }

  @Test
  void threeThousandNodesSharingA2MegabyteInitializerStopAtTheModelLimitWithOneLine()
      throws Exception {
    // 2.5 MB of file; the lowering used to copy W per node (7.5 GB) and end in an OutOfMemoryError
    byte[] bytes = sharedMatMuls(3000, 790).toBytes(13);
    assertTrue(bytes.length > 2_400_000 && bytes.length < 2_600_000, bytes.length + " bytes");
    String message =
        assertThrows(
                UnsupportedOperatorException.class,
                () -> GraphLowering.lower(OnnxModel.parse(bytes, "m.onnx")))
            .getMessage();
    assertTrue(
        message.startsWith(
            "node 'm859' (MatMul): the model reaches 537405400 weight and activation"
                + " elements at this layer (each layer counts its own weights, shared or not): expected at most 536870912"
                + " (quantgen.onnx.maxModelElements, see docs/limits.md)"),
        message);
  }

  @Test
  void aLimitPropertyThatIsNotAPositiveNumberIsReportedWithItsName() {
    String name = "quantgen.test.limit." + System.nanoTime();
    assertEquals(7, LoweringLimits.property(name, 7));
    System.setProperty(name, "0");
    try {
      assertEquals(
          name + ": expected a number of elements >= 1, got '0'",
          assertThrows(IllegalArgumentException.class, () -> LoweringLimits.property(name, 7))
              .getMessage());
      System.setProperty(name, " 1024 ");
      assertEquals(1024, LoweringLimits.property(name, 7));
    } finally {
      System.clearProperty(name);
    }
  }

  @Test
  void anOnnxFileOf2GibibytesIsRejectedBeforeReading() throws Exception {
    Path file = tmp.resolve("huge.onnx");
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(1L << 31); // sparse: nothing is written
    }
    OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> OnnxModel.read(file));
    assertEquals(
        file
            + ": 2147483648 bytes: an ONNX file must be smaller than 2 GiB (the protobuf limit); save a"
            + " larger model with external data (ONNX's save_as_external_data)",
        e.getMessage());
  }

  // ---- the default-domain opset must be one the importer was written for ----

  private static String opsetRejection(int opset) {
    byte[] bytes = conv(1, 1, 1).toBytes(opset);
    return assertThrows(OnnxFormatException.class, () -> OnnxModel.parse(bytes, "m.onnx"))
        .getMessage();
  }

  @Test
  void opsetsZeroNegativeAndAboveTheSupportedRangeAreRejected() {
    for (int opset : new int[] {0, -5, 22, 999}) {
      assertEquals(
          "m.onnx: opset "
              + opset
              + " of the default domain (ai.onnx) is not supported: expected 1..21",
          opsetRejection(opset));
    }
  }

  @Test
  void everyOpsetInTheSupportedRangeIsAccepted() throws Exception {
    for (int opset = 1; opset <= 21; opset++) {
      assertEquals(opset, OnnxModel.parse(conv(1, 1, 1).toBytes(opset), "m.onnx").opsetVersion());
    }
  }

  @Test
  void aModelWithoutADefaultDomainOpsetIsRejected() {
    byte[] bytes =
        OnnxMl.ModelProto.newBuilder()
            .setIrVersion(7)
            .addOpsetImport(
                OnnxMl.OperatorSetIdProto.newBuilder().setDomain("com.example").setVersion(1))
            .setGraph(
                OnnxMl.GraphProto.newBuilder()
                    .addNode(
                        OnnxMl.NodeProto.newBuilder()
                            .setOpType("Relu")
                            .addInput("x")
                            .addOutput("y")))
            .build()
            .toByteArray();
    OnnxFormatException e =
        assertThrows(OnnxFormatException.class, () -> OnnxModel.parse(bytes, "m.onnx"));
    assertEquals(
        "m.onnx: opset_import has no version for the default domain (ai.onnx): expected one in 1..21",
        e.getMessage());
  }

  // ---- fuzz seeds: the findings above as starting points for OnnxModelFuzzTest ----

  /** The committed seeds under {@code OnnxModelFuzzTestInputs/onnxModel/}, by file name. */
  static Map<String, byte[]> seeds() {
    Map<String, byte[]> seeds = new LinkedHashMap<>();
    seeds.put(
        "finding_stride_2_32_plus_1",
        conv(1, 1, 1, Graphs.ints("strides", TWO_TO_32_PLUS_1, 1)).toBytes(13));
    seeds.put(
        "finding_dilation_near_2_31",
        conv(1, 1, 1, Graphs.ints("dilations", 2147483600, 2147483600)).toBytes(13));
    Graphs padded =
        new Graphs(1)
            .input("x", 1, 1, 28, 28)
            .output("y", 1, 1, 46028, 46028)
            .randomFloats("W", 0.1, 0, 1, 1, 1, 1);
    padded
        .node("Conv", "c", List.of("x", "W"), "y")
        .addAttribute(Graphs.ints("pads", 23000, 23000, 23000, 23000));
    seeds.put("finding_padded_activation_8gb", padded.toBytes(13));
    seeds.put("finding_opset_999", conv(1, 1, 1).toBytes(999));
    return seeds;
  }

  @Test
  void theCommittedFuzzSeedsAreTheseModelsAndAreRejected() throws IOException {
    for (Map.Entry<String, byte[]> seed : seeds().entrySet()) {
      byte[] committed;
      try (InputStream in =
          HostileModelTest.class.getResourceAsStream(
              "OnnxModelFuzzTestInputs/onnxModel/" + seed.getKey())) {
        assertTrue(in != null, "seed " + seed.getKey() + " is committed");
        committed = in.readAllBytes();
      }
      org.junit.jupiter.api.Assertions.assertArrayEquals(seed.getValue(), committed, seed.getKey());
      assertThrows(
          IllegalArgumentException.class,
          () -> {
            try {
              GraphLowering.lower(OnnxModel.parse(committed, "m.onnx"));
            } catch (OnnxFormatException e) {
              throw new IllegalArgumentException(e);
            }
          },
          seed.getKey());
    }
  }

  /** Regenerates the seeds: {@code java ... HostileModelTest DIR}. */
  public static void main(String[] args) throws IOException {
    for (Map.Entry<String, byte[]> seed : seeds().entrySet()) {
      Files.write(Path.of(args[0], seed.getKey()), seed.getValue());
    }
  }
}
