package dev.quantgen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.quantgen.cli.onnx.IdxTestSet;
import dev.quantgen.onnx.FloatExecutor;
import dev.quantgen.onnx.GraphLowering;
import dev.quantgen.onnx.OnnxModel;
import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.Shape;
import dev.quantgen.testkit.SharedData;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Models quantgen did not write, trained on Fashion-MNIST in PyTorch and written by both of its
 * exporters:
 *
 * <ul>
 *   <li>{@code fashion-residual} ({@code tools/pytorch/fashion_residual.py}): a MobileNetV2-style
 *       residual network (BatchNormalization, an inverted residual block with a depthwise
 *       convolution, Clip(0, 6), the block's input added to its output, a strided convolution, a
 *       global average pool, Gemm); the TorchScript exporter at opset 13, the dynamo exporter,
 *       PyTorch's default, at opset 20 with ReduceMean and Reshape where the other writes
 *       GlobalAveragePool and Flatten.
 *   <li>{@code fashion-lenet} ({@code tools/pytorch/fashion_lenet.py}): 5x5 valid convolutions,
 *       average pooling and {@code x.view(x.size(0), -1)}, exported with a dynamic batch by the
 *       TorchScript exporter (the view becomes Shape, Gather, Unsqueeze, Concat, Reshape) and with
 *       the dynamo exporter's defaults (the weights in {@code fashion-lenet-dynamo.onnx.data}).
 * </ul>
 *
 * {@code quantgen eval} must classify the 10,000 test images as PyTorch did at FP32, and stay
 * within 0.5 points of that at INT8.
 */
class PyTorchExportEvalTest {
  static List<String> files() {
    return List.of(
        "fashion-residual-torchscript.onnx",
        "fashion-residual-dynamo.onnx",
        "fashion-lenet-torchscript.onnx",
        "fashion-lenet-dynamo.onnx");
  }

  @TempDir Path tmp;

  @ParameterizedTest
  @MethodSource("files")
  void fp32ClassifiesAsPyTorchDidAndInt8StaysWithinHalfAPoint(String file) throws IOException {
    Path data = SharedData.requireFashionMnist();
    Path model = resource(file);
    int correct = pyTorch(file).get("correct").getAsInt();

    JsonObject fp32 = eval(model, data, "fp32");
    JsonObject int8 = eval(model, data, "int8");
    System.out.println(
        file + ": PyTorch " + correct + " / 10000 correct; quantgen " + fp32 + "\n" + int8);

    // The float sums run in another order than PyTorch's (oneDNN), so a near-tie could flip an
    // image; on this model none does: the count is PyTorch's exactly.
    assertEquals(10_000 - correct, fp32.get("errors").getAsInt(), fp32::toString);
    double drop = fp32.get("accuracy").getAsDouble() - int8.get("accuracy").getAsDouble();
    assertTrue(drop <= 0.005, () -> "int8 " + drop * 100 + " points below fp32: " + int8);
  }

  @ParameterizedTest
  @MethodSource("files")
  void theReferenceExecutorPredictsPyTorchsClassForEveryImage(String file) throws IOException {
    IdxTestSet set = IdxTestSet.read(SharedData.requireFashionMnist());
    String predictions = pyTorch(file).get("predictions").getAsString();
    FloatExecutor reference =
        new FloatExecutor(GraphLowering.lower(OnnxModel.read(resource(file))));
    int differ = 0;
    for (int n = 0; n < set.size(); n++) {
      FloatTensor y = reference.run(FloatTensor.of(Shape.of(1, 1, 28, 28), set.images()[n]));
      int best = 0;
      for (int k = 1; k < 10; k++) {
        best = y.get(k) > y.get(best) ? k : best;
      }
      differ += best == predictions.charAt(n) - '0' ? 0 : 1;
    }
    System.out.println(file + ": reference vs PyTorch predictions, " + differ + " of 10000 differ");
    assertEquals(0, differ, "images classified otherwise than PyTorch did");
  }

  private JsonObject eval(Path model, Path data, String precision) {
    CliRun run =
        CliRun.of(
            "eval",
            "--model",
            model.toString(),
            "--data",
            data.toString(),
            "--precision",
            precision,
            "--json");
    assertEquals(0, run.exit(), run::toString);
    return JsonParser.parseString(run.out()).getAsJsonObject();
  }

  /** The model copied out of the test resources, with its external data file if it has one. */
  private Path resource(String name) throws IOException {
    Path p = tmp.resolve(name);
    try (InputStream in = getClass().getResourceAsStream("/pytorch/" + name)) {
      Files.copy(in, p);
    }
    try (InputStream in = getClass().getResourceAsStream("/pytorch/" + name + ".data")) {
      if (in != null) {
        Files.copy(in, tmp.resolve(name + ".data"));
      }
    }
    return p;
  }

  /**
   * What PyTorch measured when it exported the model {@code file} (both exports of a network share
   * it): its correct count and each prediction.
   */
  private JsonObject pyTorch(String file) throws IOException {
    String network = file.substring(0, file.lastIndexOf('-'));
    try (InputStream in =
        getClass().getResourceAsStream("/pytorch/" + network + ".expected.json")) {
      return JsonParser.parseString(new String(in.readAllBytes(), StandardCharsets.UTF_8))
          .getAsJsonObject();
    }
  }
}
