package dev.quantgen.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.Shape;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A Reshape whose target is computed from the chain's shape, as PyTorch exports {@code
 * x.view(x.size(0), -1)} with a dynamic batch: lowered to a flatten, the batch kept symbolic, and
 * run as ONNX Runtime runs the same file at batch 1 and 3.
 */
class ShapeArithmeticTest {
  /**
   * Conv + Relu on {@code [N, 2, 5, 6]}, the flatten computed from the shape, Gemm to 3 outputs.
   * Opset 13 passes Unsqueeze's axes as an input, opset 11 as an attribute; opset 15 takes the
   * batch with Shape's own {@code end} and a Slice instead of a Gather.
   */
  private static Graphs viewModel(int opset) {
    Graphs g =
        new Graphs(opset)
            .input("x", -1, 2, 5, 6)
            .output("y", -1, 3)
            .randomFloats("W", 0.5, 0, 4, 2, 3, 3)
            .randomFloats("G", 0.5, 0, 3, 4 * 3 * 4)
            .randomFloats("C", 0.2, 0, 3)
            .longs("minus_one", -1);
    g.node("Conv", "conv", List.of("x", "W"), "c0");
    g.node("Relu", "relu", List.of("c0"), "c");
    if (opset >= 15) {
      g.node("Shape", "shape", List.of("c"), "s").addAttribute(Graphs.integer("end", 2));
      g.longs("zero", 0).longs("one", 1);
      g.node("Slice", "batch", List.of("s", "zero", "one"), "n");
    } else {
      g.node("Shape", "shape", List.of("c"), "s");
      g.scalarLong("index", 0);
      g.node("Gather", "size0", List.of("s", "index"), "n0")
          .addAttribute(Graphs.integer("axis", 0));
      if (opset >= 13) {
        g.longs("axes", 0);
        g.node("Unsqueeze", "unsqueeze", List.of("n0", "axes"), "n");
      } else {
        g.node("Unsqueeze", "unsqueeze", List.of("n0"), "n").addAttribute(Graphs.ints("axes", 0));
      }
    }
    g.node("Concat", "target", List.of("n", "minus_one"), "t")
        .addAttribute(Graphs.integer("axis", 0));
    g.node("Reshape", "view", List.of("c", "t"), "f");
    g.node("Gemm", "head", List.of("f", "G", "C"), "y").addAttribute(Graphs.integer("transB", 1));
    return g;
  }

  @Test
  void aViewComputedFromTheShapeIsAFlattenThatRunsAsOnnxRuntimeRunsIt() throws Exception {
    for (int opset : new int[] {11, 13, 15}) {
      byte[] bytes = viewModel(opset).toBytes(opset);
      LoweredModel m = GraphLowering.lower(OnnxModel.parse(bytes, "view.onnx"));
      assertEquals(
          List.of("ConvSpec", "FlattenSpec", "DenseSpec"),
          m.layers().stream().map(l -> l.getClass().getSimpleName()).toList(),
          "opset " + opset);
      FloatExecutor ours = new FloatExecutor(m);
      Random r = new Random(opset);
      OrtEnvironment env = OrtEnvironment.getEnvironment();
      try (OrtSession session = env.createSession(bytes, new OrtSession.SessionOptions())) {
        for (int batch : new int[] {1, 3}) {
          float[] x = new float[batch * 60];
          for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
          }
          float[][] expected;
          try (ai.onnxruntime.OnnxTensor in =
                  ai.onnxruntime.OnnxTensor.createTensor(
                      env, FloatBuffer.wrap(x), new long[] {batch, 2, 5, 6});
              OrtSession.Result result = session.run(Map.of("x", in))) {
            expected = (float[][]) result.get(0).getValue();
          }
          FloatTensor y = ours.run(FloatTensor.of(Shape.of(batch, 2, 5, 6), x));
          for (int b = 0; b < batch; b++) {
            for (int i = 0; i < 3; i++) {
              assertEquals(
                  expected[b][i],
                  y.get(b * 3 + i),
                  1e-5,
                  "opset " + opset + ", batch " + batch + ", sample " + b + ", output " + i);
            }
          }
        }
      }
    }
  }

  private static String refusal(Graphs g) {
    return assertThrows(
            UnsupportedOperatorException.class,
            () -> GraphLowering.lower(OnnxModel.parse(g.toBytes(13), "m.onnx")))
        .getMessage();
  }

  private static Graphs flattenAfter(String... targetParts) {
    Graphs g =
        new Graphs(1)
            .input("x", -1, 6)
            .output("y", -1, 6)
            .longs("minus_one", -1)
            .longs("axes", 0)
            .scalarLong("index", 0);
    g.node("Shape", "shape", List.of("x"), "s");
    g.node("Gather", "size0", List.of("s", "index"), "n0");
    g.node("Unsqueeze", "unsqueeze", List.of("n0", "axes"), "n");
    g.node("Concat", "target", List.of(targetParts), "t").addAttribute(Graphs.integer("axis", 0));
    g.node("Reshape", "view", List.of("x", "t"), "y");
    return g;
  }

  @Test
  void theBatchMustStayTheFirstDimension() {
    assertEquals(
        "node 'view' (Reshape): target shape [-1, N] moves the batch to position 1: expected it"
            + " first",
        refusal(flattenAfter("minus_one", "n")));
  }

  @Test
  void aGatherOutsideTheShapeIsRefusedNamingTheIndex() {
    Graphs g =
        new Graphs(1).input("x", -1, 6).output("y", -1, 6).scalarLong("index", 3).longs("axes", 0);
    g.node("Shape", "shape", List.of("x"), "s");
    g.node("Gather", "size3", List.of("s", "index"), "n0");
    assertEquals("node 'size3' (Gather): index 3 of [N, 6]: expected -2..1", refusal(g));
  }

  @Test
  void arithmeticOnTheBatchIsRefusedAsAnUnsupportedOperator() {
    Graphs g = new Graphs(1).input("x", -1, 6).output("y", -1, 6).scalarLong("index", 0);
    g.node("Shape", "shape", List.of("x"), "s");
    g.node("Gather", "size0", List.of("s", "index"), "n0");
    g.node("Mul", "twice", List.of("n0", "n0"), "n");
    String message = refusal(g);
    assertEquals(
        "node 'twice' (Mul): operator 'Mul' is not supported", message.split(";")[0], message);
  }

  @Test
  void aShapeOfAValueOffTheChainIsNotShapeArithmetic() {
    OnnxMl.NodeProto shape =
        OnnxMl.NodeProto.newBuilder()
            .setOpType("Shape")
            .setName("s")
            .addInput("w")
            .addOutput("o")
            .build();
    OnnxNode node =
        new OnnxNode(
            shape.getName(),
            shape.getOpType(),
            shape.getInputList(),
            shape.getOutputList(),
            Map.of());
    assertEquals(false, new ShapeArithmetic().accepts(node, "x"));
  }
}
