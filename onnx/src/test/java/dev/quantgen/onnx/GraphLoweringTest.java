package dev.quantgen.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.quantgen.runtime.numerics.Activation;
import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.Shape;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Lowering on small synthetic graphs, each also run by ONNX Runtime: the lowered FP32 model must
 * give ORT's outputs (tolerance 1e-5 relative to the output scale: float32 sums in another order,
 * and BatchNormalization folded into the weights instead of applied after them).
 */
class GraphLoweringTest {
  /**
   * Conv (strides 2x1, 3x2 kernel SAME_LOWER, groups 2, bias input) + BN + Clip(0, 6); conv with
   * dilation 2 and asymmetric explicit pads; average pool with end padding; Flatten; Gemm + Relu.
   * (ONNX Runtime rejects dilation together with SAME padding, so the two are in separate layers.)
   */
  private static byte[] richModel() {
    Graphs g =
        new Graphs(5)
            .input("x", 1, 4, 11, 9)
            .output("y", 1, 3)
            .randomFloats("W", 0.4, 0, 6, 2, 3, 2)
            .randomFloats("B", 0.2, 0, 6)
            .randomFloats("gamma", 0.3, 1, 6)
            .randomFloats("beta", 0.2, 0, 6)
            .randomFloats("mean", 0.2, 0, 6)
            .randomFloats("var", 0.1, 1, 6)
            .randomFloats("G", 0.3, 0, 3, 64)
            .randomFloats("C", 0.3, 0, 3)
            .randomFloats("W2", 0.3, 0, 4, 6, 2, 2);
    g.node("Conv", "conv", List.of("x", "W", "B"), "c")
        .addAttribute(Graphs.ints("strides", 2, 1))
        .addAttribute(Graphs.string("auto_pad", "SAME_LOWER"))
        .addAttribute(Graphs.integer("group", 2));
    g.node("BatchNormalization", "bn", List.of("c", "gamma", "beta", "mean", "var"), "b")
        .addAttribute(Graphs.real("epsilon", 1e-3f));
    g.node("Clip", "clip", List.of("b"), "r")
        .addAttribute(Graphs.real("min", 0f))
        .addAttribute(Graphs.real("max", 6f));
    g.node("Conv", "dilated", List.of("r", "W2"), "p")
        .addAttribute(Graphs.ints("dilations", 2, 2))
        .addAttribute(Graphs.ints("pads", 1, 0, 2, 1));
    g.node("AveragePool", "avg", List.of("p"), "a")
        .addAttribute(Graphs.ints("kernel_shape", 2, 2))
        .addAttribute(Graphs.ints("strides", 2, 2))
        .addAttribute(Graphs.ints("pads", 0, 0, 1, 1));
    g.node("Flatten", "flat", List.of("a"), "f");
    g.node("Gemm", "gemm", List.of("f", "G", "C"), "gm")
        .addAttribute(Graphs.integer("transB", 1))
        .addAttribute(Graphs.real("alpha", 0.5f));
    g.node("Relu", "relu", List.of("gm"), "y");
    return g.toBytes(9);
  }

  @Test
  void foldsBiasBatchNormAndActivationsIntoTheirLayers() throws Exception {
    LoweredModel m = GraphLowering.lower(OnnxModel.parse(richModel(), "rich.onnx"));
    assertEquals(
        List.of("ConvSpec", "ConvSpec", "PoolSpec", "FlattenSpec", "DenseSpec"),
        m.layers().stream().map(l -> l.getClass().getSimpleName()).collect(Collectors.toList()));
    ConvSpec conv = (ConvSpec) m.layers().get(0);
    assertEquals(List.of("conv", "bn", "clip"), conv.sources());
    assertEquals(Activation.RELU6, conv.activation());
    assertEquals(2, conv.groups());
    assertEquals(Shape.of(6, 6, 9), conv.outputShape()); // ceil(11 / 2), ceil(9 / 1)
    assertEquals(
        Shape.of(4, 7, 8), m.layers().get(1).outputShape()); // 6 + 3 - 3 + 1, 9 + 1 - 3 + 1
    assertEquals(Shape.of(4, 4, 4), m.layers().get(2).outputShape());
    DenseSpec dense = (DenseSpec) m.layers().get(4);
    assertEquals(Activation.RELU, dense.activation());
    assertEquals(Shape.of(3), dense.outputShape());
  }

  @Test
  void loweredModelGivesOnnxRuntimesOutputs() throws Exception {
    byte[] bytes = richModel();
    FloatExecutor ours =
        new FloatExecutor(GraphLowering.lower(OnnxModel.parse(bytes, "rich.onnx")));
    Random r = new Random(3);
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession session = env.createSession(bytes, new OrtSession.SessionOptions())) {
      for (int t = 0; t < 20; t++) {
        float[] x = new float[4 * 11 * 9];
        for (int i = 0; i < x.length; i++) {
          x[i] = (float) r.nextGaussian();
        }
        float[] expected = run(env, session, x);
        FloatTensor y = ours.run(FloatTensor.of(Shape.of(1, 4, 11, 9), x));
        for (int i = 0; i < expected.length; i++) {
          assertEquals(
              expected[i], y.get(i), 1e-5 * Math.max(1, Math.abs(expected[i])), "output " + i);
        }
      }
    }
  }

  private static float[] run(OrtEnvironment env, OrtSession session, float[] x)
      throws OrtException {
    try (ai.onnxruntime.OnnxTensor in =
            ai.onnxruntime.OnnxTensor.createTensor(
                env, FloatBuffer.wrap(x), new long[] {1, 4, 11, 9});
        OrtSession.Result result = session.run(Map.of("x", in))) {
      return ((float[][]) result.get(0).getValue())[0];
    }
  }

  @Test
  void unsupportedOperatorNamesTheNodeTheOperatorAndTheSupportedList() throws Exception {
    Graphs g = new Graphs(1).input("x", 1, 4).output("y", 1, 4);
    g.node("Sigmoid", "squash", List.of("x"), "y");
    OnnxModel model = OnnxModel.parse(g.toBytes(13), "sig.onnx");
    UnsupportedOperatorException e =
        assertThrows(UnsupportedOperatorException.class, () -> GraphLowering.lower(model));
    assertEquals(
        "node 'squash' (Sigmoid): operator 'Sigmoid' is not supported; supported operators: "
            + String.join(", ", GraphLowering.SUPPORTED_OPERATORS),
        e.getMessage());
  }

  @Test
  void reluAfterPoolingIsRejectedBecauseItCannotBeFused() throws Exception {
    Graphs g = new Graphs(1).input("x", 1, 1, 4, 4).output("y", 1, 1, 2, 2);
    g.node("MaxPool", "pool", List.of("x"), "p")
        .addAttribute(Graphs.ints("kernel_shape", 2, 2))
        .addAttribute(Graphs.ints("strides", 2, 2));
    g.node("Relu", "late", List.of("p"), "y");
    UnsupportedOperatorException e =
        assertThrows(
            UnsupportedOperatorException.class,
            () -> GraphLowering.lower(OnnxModel.parse(g.toBytes(13), "late.onnx")));
    assertTrue(
        e.getMessage().startsWith("node 'late' (Relu): Relu after 'pool' cannot be fused"),
        e.getMessage());
  }

  @Test
  void aBranchWithLayersOfItsOwnIsRejected() throws Exception {
    Graphs g = new Graphs(1).input("x", 1, 4).output("y", 1, 4).randomFloats("W", 1, 0, 4, 4);
    g.node("MatMul", "a", List.of("x", "W"), "h");
    g.node("MatMul", "b", List.of("x", "W"), "k");
    g.node("Add", "skip", List.of("h", "k"), "y");
    UnsupportedOperatorException e =
        assertThrows(
            UnsupportedOperatorException.class,
            () -> GraphLowering.lower(OnnxModel.parse(g.toBytes(13), "skip.onnx")));
    assertTrue(
        e.getMessage().startsWith("node 'b' (MatMul): reads 'x', but the chain is at 'h'"),
        e.getMessage());
  }

  @Test
  void anAddOfAValueFusedInsideALayerIsRejected() throws Exception {
    Graphs g =
        new Graphs(1)
            .input("x", 1, 4)
            .output("y", 1, 4)
            .randomFloats("W", 1, 0, 4, 4)
            .randomFloats("B", 1, 0, 4);
    g.node("MatMul", "a", List.of("x", "W"), "h");
    g.node("Add", "bias", List.of("h", "B"), "hb");
    g.node("Relu", "relu", List.of("hb"), "r");
    g.node("Add", "skip", List.of("r", "hb"), "y");
    UnsupportedOperatorException e =
        assertThrows(
            UnsupportedOperatorException.class,
            () -> GraphLowering.lower(OnnxModel.parse(g.toBytes(13), "fused.onnx")));
    assertTrue(
        e.getMessage()
            .startsWith(
                "node 'skip' (Add): reads 'hb', which is neither the graph input nor a "
                    + "layer's output"),
        e.getMessage());
  }

  /**
   * A residual, depthwise-separable network: stem Conv + Relu, depthwise Conv (group = channels) +
   * Clip(0, 6), pointwise Conv, Add of the stem's output, Concat with the graph input,
   * GlobalAveragePool, Flatten, Gemm, Softmax.
   */
  private static byte[] residualModel() {
    Graphs g =
        new Graphs(16)
            .input("x", 1, 2, 5, 6)
            .output("y", 1, 3)
            .randomFloats("Ws", 0.5, 0, 4, 2, 3, 3)
            .randomFloats("Bs", 0.2, 0, 4)
            .randomFloats("Wd", 0.5, 0, 4, 1, 3, 3)
            .randomFloats("Bd", 0.2, 0, 4)
            .randomFloats("Wp", 0.5, 0, 4, 4, 1, 1)
            .randomFloats("G", 0.5, 0, 3, 6)
            .randomFloats("C", 0.2, 0, 3);
    g.node("Conv", "stem", List.of("x", "Ws", "Bs"), "s0")
        .addAttribute(Graphs.ints("pads", 1, 1, 1, 1));
    g.node("Relu", "stem_relu", List.of("s0"), "s");
    g.node("Conv", "depthwise", List.of("s", "Wd", "Bd"), "d0")
        .addAttribute(Graphs.ints("pads", 1, 1, 1, 1))
        .addAttribute(Graphs.integer("group", 4));
    g.randomFloats("lo", 0, 0).randomFloats("hi", 0, 6); // scalars 0 and 6
    g.node("Clip", "relu6", List.of("d0", "lo", "hi"), "d");
    g.node("Conv", "pointwise", List.of("d", "Wp"), "p");
    g.node("Add", "residual", List.of("p", "s"), "r");
    g.node("Concat", "with_input", List.of("r", "x"), "c").addAttribute(Graphs.integer("axis", 1));
    g.node("GlobalAveragePool", "gap", List.of("c"), "a");
    g.node("Flatten", "flat", List.of("a"), "f");
    g.node("Gemm", "head", List.of("f", "G", "C"), "logits")
        .addAttribute(Graphs.integer("transB", 1));
    g.node("Softmax", "probabilities", List.of("logits"), "y")
        .addAttribute(Graphs.integer("axis", 1));
    return g.toBytes(13);
  }

  @Test
  void residualGraphsLowerToJoinsGlobalPoolingAndSoftmax() throws Exception {
    LoweredModel m = GraphLowering.lower(OnnxModel.parse(residualModel(), "residual.onnx"));
    assertEquals(
        List.of(
            "ConvSpec",
            "ConvSpec",
            "ConvSpec",
            "JoinSpec",
            "JoinSpec",
            "PoolSpec",
            "FlattenSpec",
            "DenseSpec",
            "SoftmaxSpec"),
        m.layers().stream().map(l -> l.getClass().getSimpleName()).toList());
    assertEquals(4, ((ConvSpec) m.layers().get(1)).groups());
    assertEquals(Activation.RELU6, ((ConvSpec) m.layers().get(1)).activation());
    JoinSpec add = (JoinSpec) m.layers().get(3);
    assertEquals(JoinSpec.Kind.ADD, add.kind());
    assertEquals(0, add.from()); // the stem's output (after its fused Relu)
    JoinSpec concat = (JoinSpec) m.layers().get(4);
    assertEquals(-1, concat.from()); // the graph input
    assertEquals(Shape.of(6, 5, 6), concat.outputShape());
    assertEquals(Shape.of(6, 1, 1), m.layers().get(5).outputShape());

    FloatExecutor ours = new FloatExecutor(m);
    Random r = new Random(7);
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    List<float[]> samples = new java.util.ArrayList<>();
    try (OrtSession session = env.createSession(residualModel(), new OrtSession.SessionOptions())) {
      for (int t = 0; t < 20; t++) {
        float[] x = new float[60];
        for (int i = 0; i < x.length; i++) {
          x[i] = (float) r.nextGaussian();
        }
        samples.add(x);
        float[] expected;
        try (ai.onnxruntime.OnnxTensor in =
                ai.onnxruntime.OnnxTensor.createTensor(
                    env, FloatBuffer.wrap(x), new long[] {1, 2, 5, 6});
            OrtSession.Result result = session.run(Map.of("x", in))) {
          expected = ((float[][]) result.get(0).getValue())[0];
        }
        FloatTensor y = ours.run(FloatTensor.of(Shape.of(1, 2, 5, 6), x));
        for (int i = 0; i < expected.length; i++) {
          assertEquals(expected[i], y.get(i), 1e-5, "sample " + t + ", output " + i);
        }
      }
    }
    float[] all = new float[20 * 60];
    for (int t = 0; t < 20; t++) {
      System.arraycopy(samples.get(t), 0, all, t * 60, 60);
    }
    FloatTensor batch = FloatTensor.of(Shape.of(20, 2, 5, 6), all);
    Int8Executor int8 =
        Int8Executor.calibrate(m, batch, 7, dev.quantgen.runtime.numerics.RequantMode.INTEGER);
    FloatTensor fp = ours.run(batch);
    FloatTensor q = int8.run(batch);
    for (int i = 0; i < fp.size(); i++) {
      assertEquals(
          fp.get(i), q.get(i), 0.05, "int8 probability " + i); // quantized to steps of 1/255
    }
  }

  /**
   * Conv + Relu, then the spatial mean as PyTorch's default exporter writes it (ReduceMean over
   * axes 2 and 3), then Gemm: at opset 13 with the axes as an attribute and keepdims 1 followed by
   * Reshape, at opset 18 with the axes as an input (negative) and keepdims 0.
   */
  private static byte[] reduceMeanModel(int opset) {
    Graphs g =
        new Graphs(18)
            .input("x", 1, 2, 5, 6)
            .output("y", 1, 3)
            .randomFloats("W", 0.5, 0, 4, 2, 3, 3)
            .randomFloats("G", 0.5, 0, 3, 4)
            .randomFloats("C", 0.2, 0, 3);
    g.node("Conv", "conv", List.of("x", "W"), "c0");
    g.node("Relu", "relu", List.of("c0"), "c");
    if (opset < 18) {
      g.node("ReduceMean", "mean", List.of("c"), "m")
          .addAttribute(Graphs.ints("axes", 2, 3))
          .addAttribute(Graphs.integer("keepdims", 1));
      g.longs("shape", 1, 4);
      OnnxMl.NodeProto.Builder reshape = g.node("Reshape", "flat", List.of("m", "shape"), "f");
      if (opset >= 14) {
        reshape.addAttribute(Graphs.integer("allowzero", 1)); // as PyTorch's dynamo exporter
      } // as dynamo writes it
    } else {
      g.longs("axes", -1, -2);
      g.node("ReduceMean", "mean", List.of("c", "axes"), "f")
          .addAttribute(Graphs.integer("keepdims", 0));
    }
    g.node("Gemm", "head", List.of("f", "G", "C"), "y").addAttribute(Graphs.integer("transB", 1));
    return g.toBytes(opset);
  }

  @Test
  void aSpatialReduceMeanIsAGlobalAveragePoolInEitherOpset() throws Exception {
    for (int opset : new int[] {13, 14, 18}) {
      byte[] bytes = reduceMeanModel(opset);
      LoweredModel m = GraphLowering.lower(OnnxModel.parse(bytes, "mean.onnx"));
      assertEquals(
          List.of("ConvSpec", "PoolSpec", "FlattenSpec", "DenseSpec"),
          m.layers().stream().map(l -> l.getClass().getSimpleName()).toList(),
          "opset " + opset);
      FloatExecutor ours = new FloatExecutor(m);
      Random r = new Random(opset);
      OrtEnvironment env = OrtEnvironment.getEnvironment();
      try (OrtSession session = env.createSession(bytes, new OrtSession.SessionOptions())) {
        for (int t = 0; t < 10; t++) {
          float[] x = new float[60];
          for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
          }
          float[] expected;
          try (ai.onnxruntime.OnnxTensor in =
                  ai.onnxruntime.OnnxTensor.createTensor(
                      env, FloatBuffer.wrap(x), new long[] {1, 2, 5, 6});
              OrtSession.Result result = session.run(Map.of("x", in))) {
            expected = ((float[][]) result.get(0).getValue())[0];
          }
          FloatTensor y = ours.run(FloatTensor.of(Shape.of(1, 2, 5, 6), x));
          for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], y.get(i), 1e-5, "opset " + opset + ", output " + i);
          }
        }
      }
    }
  }

  @Test
  void aReshapeWithAllowzeroAndAZeroInTheShapeIsRefused() throws Exception {
    Graphs g = new Graphs(1).input("x", 1, 4).output("y", 1, 0, 4).longs("shape", 1, 0, 4);
    g.node("Reshape", "empty", List.of("x", "shape"), "y")
        .addAttribute(Graphs.integer("allowzero", 1));
    OnnxModel model = OnnxModel.parse(g.toBytes(14), "reshape.onnx");
    UnsupportedOperatorException e =
        assertThrows(UnsupportedOperatorException.class, () -> GraphLowering.lower(model));
    assertTrue(
        e.getMessage().startsWith("node 'empty' (Reshape): allowzero = 1 with a 0"), e::getMessage);
  }

  @Test
  void aReduceMeanOverOtherAxesIsRefusedNamingTheAxes() throws Exception {
    Graphs g = new Graphs(1).input("x", 1, 2, 5, 6).output("y", 1, 1, 5, 6);
    g.node("ReduceMean", "channel_mean", List.of("x"), "y").addAttribute(Graphs.ints("axes", 1));
    OnnxModel model = OnnxModel.parse(g.toBytes(13), "mean.onnx");
    UnsupportedOperatorException e =
        assertThrows(UnsupportedOperatorException.class, () -> GraphLowering.lower(model));
    assertEquals(
        "node 'channel_mean' (ReduceMean): axes [1] of [N, 2, 5, 6]: expected the spatial axes 2"
            + " and 3 (a global average pool)",
        e.getMessage());
  }

  @Test
  void residualGraphsBecomeAddConcatAndSoftmaxAnnotations() throws Exception {
    LoweredModel m = GraphLowering.lower(OnnxModel.parse(residualModel(), "residual.onnx"));
    List<String> names = SourceGenerator.layerClassNames(m, "Residual");
    Map<String, String> sources = new java.util.HashMap<>();
    for (com.palantir.javapoet.JavaFile f :
        SourceGenerator.generate(m, "test.residual", "Residual")) {
      sources.put(f.typeSpec().name(), f.toString());
    }
    String add = sources.get(names.get(3));
    assertTrue(
        add.contains(
            "@Add(\n    channels = 4,\n    height = 5,\n    width = 6,\n    from = "
                + names.get(0)
                + ".class\n)"),
        add);
    String concat = sources.get(names.get(4));
    assertTrue(
        concat.contains("channels = {4, 2}") && concat.contains("from = Model.Input.class"),
        concat);
    assertTrue(
        sources.get(names.get(8)).contains("@Softmax(\n    size = 3\n)"),
        sources.get(names.get(8)));
  }

  @Test
  void concatMustPutTheChainsValueFirst() throws Exception {
    Graphs g =
        new Graphs(1)
            .input("x", 1, 1, 2, 2)
            .output("y", 1, 2, 2, 2)
            .randomFloats("W", 1, 0, 1, 1, 1, 1);
    g.node("Conv", "c", List.of("x", "W"), "h");
    g.node("Concat", "cat", List.of("x", "h"), "y").addAttribute(Graphs.integer("axis", 1));
    UnsupportedOperatorException e =
        assertThrows(
            UnsupportedOperatorException.class,
            () -> GraphLowering.lower(OnnxModel.parse(g.toBytes(13), "cat.onnx")));
    assertTrue(
        e.getMessage()
            .startsWith(
                "node 'cat' (Concat): concatenates [x, h]: expected two values, the chain's"
                    + " 'h' first"),
        e.getMessage());
  }

  @Test
  void aConvWeightWithTheWrongChannelCountIsRejected() throws Exception {
    Graphs g =
        new Graphs(1)
            .input("x", 1, 3, 5, 5)
            .output("y", 1, 2, 5, 5)
            .randomFloats("W", 1, 0, 2, 2, 1, 1);
    g.node("Conv", "c", List.of("x", "W"), "y");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> GraphLowering.lower(OnnxModel.parse(g.toBytes(13), "c.onnx")));
    assertEquals(
        "node 'c' (Conv): weight [2, 2, 1, 1] with group 1 expects 2 input channels, but the input is"
            + " [3, 5, 5]",
        e.getMessage());
  }

  /** MatMul then Clip with opset-6 attributes [-0.3, 0.25]: one dense layer clipping both ways. */
  private static byte[] denseClipModel() {
    Graphs g = new Graphs(2).input("x", 1, 6).output("y", 1, 4).randomFloats("W", 0.6, 0, 6, 4);
    g.node("MatMul", "m", List.of("x", "W"), "h");
    g.node("Clip", "c", List.of("h"), "y")
        .addAttribute(Graphs.real("min", -0.3f))
        .addAttribute(Graphs.real("max", 0.25f));
    return g.toBytes(9);
  }

  /**
   * Conv then Clip with opset-13 inputs: {@code bounds} are the Clip's min and max input names, ""
   * for an absent one (unbounded on that side), "lo" = -0.2 and "hi" = 0.4 as initializers.
   */
  private static byte[] convClipModel(String min, String max) {
    Graphs g =
        new Graphs(4)
            .input("x", 1, 2, 5, 6)
            .output("y", 1, 3, 5, 6)
            .randomFloats("W", 0.5, 0, 3, 2, 3, 3)
            .randomFloats("B", 0.2, 0, 3)
            .randomFloats("lo", 0, -0.2)
            .randomFloats("hi", 0, 0.4);
    g.node("Conv", "conv", List.of("x", "W", "B"), "c")
        .addAttribute(Graphs.ints("pads", 1, 1, 1, 1));
    List<String> inputs = max.isEmpty() ? List.of("c", min) : List.of("c", min, max);
    g.node("Clip", "clip", inputs, "y");
    return g.toBytes(13);
  }

  @Test
  void clipWithConstantBoundsFusesIntoTheLayerBefore() throws Exception {
    DenseSpec dense =
        (DenseSpec)
            GraphLowering.lower(OnnxModel.parse(denseClipModel(), "d.onnx")).layers().get(0);
    assertEquals(Activation.clip(-0.3f, 0.25f), dense.activation());
    assertEquals(List.of("m", "c"), dense.sources());
    ConvSpec both =
        (ConvSpec)
            GraphLowering.lower(OnnxModel.parse(convClipModel("lo", "hi"), "c.onnx"))
                .layers()
                .get(0);
    assertEquals(Activation.clip(-0.2f, 0.4f), both.activation());
    ConvSpec above =
        (ConvSpec)
            GraphLowering.lower(OnnxModel.parse(convClipModel("", "hi"), "c.onnx")).layers().get(0);
    assertEquals(Activation.clip(Float.NEGATIVE_INFINITY, 0.4f), above.activation());
    ConvSpec below =
        (ConvSpec)
            GraphLowering.lower(OnnxModel.parse(convClipModel("lo", ""), "c.onnx")).layers().get(0);
    assertEquals(Activation.clip(-0.2f, Float.POSITIVE_INFINITY), below.activation());
  }

  /** Clipped outputs equal ONNX Runtime's: the clamped ones exactly (they are the bounds). */
  @Test
  void clippedLayersGiveOnnxRuntimesOutputs() throws Exception {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    Random r = new Random(11);
    String[][] bounds = {{"lo", "hi"}, {"", "hi"}, {"lo", ""}};
    for (String[] b : bounds) {
      byte[] bytes = convClipModel(b[0], b[1]);
      FloatExecutor ours = new FloatExecutor(GraphLowering.lower(OnnxModel.parse(bytes, "c")));
      try (OrtSession session = env.createSession(bytes, new OrtSession.SessionOptions())) {
        int clamped = 0;
        for (int t = 0; t < 10; t++) {
          float[] x = new float[2 * 5 * 6];
          for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
          }
          float[] expected = runAny(env, session, x, new long[] {1, 2, 5, 6});
          FloatTensor y = ours.run(FloatTensor.of(Shape.of(1, 2, 5, 6), x));
          for (int i = 0; i < expected.length; i++) {
            if (expected[i] == -0.2f || expected[i] == 0.4f) {
              assertEquals(expected[i], y.get(i), "clamped output " + i);
              clamped++;
            } else {
              assertEquals(expected[i], y.get(i), 1e-5 * Math.max(1, Math.abs(expected[i])));
            }
          }
        }
        assertTrue(clamped > 0, "some outputs reach a bound");
      }
    }
    byte[] bytes = denseClipModel();
    FloatExecutor ours = new FloatExecutor(GraphLowering.lower(OnnxModel.parse(bytes, "d")));
    try (OrtSession session = env.createSession(bytes, new OrtSession.SessionOptions())) {
      for (int t = 0; t < 20; t++) {
        float[] x = new float[6];
        for (int i = 0; i < x.length; i++) {
          x[i] = (float) r.nextGaussian();
        }
        float[] expected = runAny(env, session, x, new long[] {1, 6});
        FloatTensor y = ours.run(FloatTensor.of(Shape.of(1, 6), x));
        for (int i = 0; i < expected.length; i++) {
          assertEquals(expected[i], y.get(i), 1e-5 * Math.max(1, Math.abs(expected[i])));
        }
      }
    }
  }

  private static float[] runAny(OrtEnvironment env, OrtSession session, float[] x, long[] shape)
      throws OrtException {
    try (ai.onnxruntime.OnnxTensor in =
            ai.onnxruntime.OnnxTensor.createTensor(env, FloatBuffer.wrap(x), shape);
        OrtSession.Result result = session.run(Map.of("x", in))) {
      ai.onnxruntime.OnnxTensor out = (ai.onnxruntime.OnnxTensor) result.get(0);
      FloatBuffer fb = out.getFloatBuffer();
      float[] y = new float[fb.remaining()];
      fb.get(y);
      return y;
    }
  }

  @Test
  void clipBoundsOutOfOrderAreRejectedNamingTheNode() throws Exception {
    Graphs g = new Graphs(1).input("x", 1, 4).output("y", 1, 4).randomFloats("W", 1, 0, 4, 4);
    g.node("MatMul", "m", List.of("x", "W"), "h");
    g.node("Clip", "c", List.of("h"), "y")
        .addAttribute(Graphs.real("min", 1f))
        .addAttribute(Graphs.real("max", -1f));
    UnsupportedOperatorException e =
        assertThrows(
            UnsupportedOperatorException.class,
            () -> GraphLowering.lower(OnnxModel.parse(g.toBytes(9), "c.onnx")));
    assertEquals(
        "node 'c' (Clip): clips to [1.0, -1.0]: expected numbers with min < max", e.getMessage());
  }

  @Test
  void aClipBoundThatIsNotAConstantIsRejectedNamingTheNode() throws Exception {
    Graphs g = new Graphs(1).input("x", 1, 4).output("y", 1, 4).randomFloats("W", 1, 0, 4, 4);
    g.node("MatMul", "m", List.of("x", "W"), "h");
    g.node("Clip", "c", List.of("h", "h"), "y"); // a bound the graph computes
    UnsupportedOperatorException e =
        assertThrows(
            UnsupportedOperatorException.class,
            () -> GraphLowering.lower(OnnxModel.parse(g.toBytes(13), "c.onnx")));
    assertEquals(
        "node 'c' (Clip): input 1 'h' is not a constant: expected an initializer", e.getMessage());
  }
}
