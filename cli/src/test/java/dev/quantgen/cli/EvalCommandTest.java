package dev.quantgen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.quantgen.cli.onnx.IdxTestSet;
import dev.quantgen.onnx.GraphLowering;
import dev.quantgen.onnx.Int8Executor;
import dev.quantgen.onnx.LoweredModel;
import dev.quantgen.onnx.OnnxModel;
import dev.quantgen.onnx.QdqExporter;
import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.RequantMode;
import dev.quantgen.runtime.numerics.Shape;
import dev.quantgen.testkit.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code quantgen eval} on mnist-8: the sources are generated, compiled in-process with the
 * processor and loaded without a rebuild. FP32 gives the published 98.90% on all 10,000 images;
 * INT8 calibrated on 300 images is within 0.3 points of it; FP16, INT4 and BINARY run on their own
 * generated kernels too.
 */
class EvalCommandTest {
  @TempDir Path tmp;

  @Test
  void shortEvalPrintsAccuracyPrecisionSizeAndImagesAsJson() {
    JsonObject fp32 =
        json(
            CliRun.of(
                "eval",
                "--model",
                model(),
                "--data",
                data(),
                "--precision",
                "fp32",
                "--images",
                "500",
                "--json"));
    JsonObject int8 =
        json(
            CliRun.of(
                "eval",
                "--model",
                model(),
                "--data",
                data(),
                "--precision",
                "int8",
                "--images",
                "500",
                "--samples",
                "300",
                "--json"));
    assertEquals("fp32", fp32.get("precision").getAsString());
    assertEquals(500, fp32.get("images").getAsInt());
    assertEquals(23_976, fp32.get("model_bytes").getAsLong(), "5,994 float parameters");
    assertEquals("int8", int8.get("precision").getAsString());
    assertEquals(300, int8.get("calibration_samples").getAsInt());
    assertEquals(200, int8.get("heldout_images").getAsInt());
    // 5,960 int8 weights + 34 int32 biases.
    assertEquals(5_960 + 4 * 34, int8.get("model_bytes").getAsLong());
    double fp32Accuracy = fp32.get("accuracy").getAsDouble();
    assertTrue(fp32Accuracy >= 0.98, "FP32 accuracy on 500 images: " + fp32Accuracy);
    // 500 images: 3 more errors is 0.6 points; a broken INT8 path would lose tens of points.
    assertTrue(int8.get("errors").getAsInt() <= fp32.get("errors").getAsInt() + 3, int8::toString);
  }

  @Test
  void everyPrecisionRunsOnGeneratedKernelsWithItsOwnSize() {
    JsonObject fp32 =
        json(
            CliRun.of(
                "eval",
                "--model",
                model(),
                "--data",
                data(),
                "--precision",
                "fp32",
                "--images",
                "500",
                "--json"));
    JsonObject fp16 =
        json(
            CliRun.of(
                "eval",
                "--model",
                model(),
                "--data",
                data(),
                "--precision",
                "FP16",
                "--images",
                "500",
                "--json"));
    JsonObject int4 =
        json(
            CliRun.of(
                "eval",
                "--model",
                model(),
                "--data",
                data(),
                "--precision",
                "int4",
                "--images",
                "500",
                "--samples",
                "300",
                "--json"));
    JsonObject binary =
        json(
            CliRun.of(
                "eval",
                "--model",
                model(),
                "--data",
                data(),
                "--precision",
                "binary",
                "--images",
                "500",
                "--json"));
    assertEquals("fp16", fp16.get("precision").getAsString());
    assertEquals("int4", int4.get("precision").getAsString());
    assertEquals("binary", binary.get("precision").getAsString());
    for (JsonObject o : new JsonObject[] {fp16, int4, binary}) {
      assertEquals(500, o.get("images").getAsInt(), o::toString);
      assertEquals(23_976, o.get("fp32_model_bytes").getAsLong(), o::toString);
    }
    assertEquals(0, fp16.get("calibration_samples").getAsInt());
    assertEquals(300, int4.get("calibration_samples").getAsInt());
    assertEquals(0, binary.get("calibration_samples").getAsInt());
    // 5,960 weights in rows of 25, 200 and 256 (8, 16 and 10 output channels), plus 34 four-byte
    // biases.
    assertEquals(2 * 5_960 + 4 * 34, fp16.get("model_bytes").getAsLong());
    assertEquals(8 * 13 + 16 * 100 + 10 * 128 + 4 * 34, int4.get("model_bytes").getAsLong());
    assertEquals(8 * (8 * 1 + 16 * 4 + 10 * 4) + 4 * 34, binary.get("model_bytes").getAsLong());
    // binary16 weights keep 11 significant bits: the same answers give or take an image.
    assertTrue(
        Math.abs(fp16.get("errors").getAsInt() - fp32.get("errors").getAsInt()) <= 1,
        fp16::toString);
    // INT4 weights with INT8 activations: within 1 point (5 images of 500) of FP32.
    assertTrue(int4.get("errors").getAsInt() <= fp32.get("errors").getAsInt() + 5, int4::toString);
    // A pretrained network binarized without retraining keeps little of its accuracy; it must still
    // run.
    double binaryAccuracy = binary.get("accuracy").getAsDouble();
    assertTrue(binaryAccuracy >= 0 && binaryAccuracy <= 1, binary::toString);
  }

  @Test
  void fullTestSetFp32Is98point90AndInt8WithinAThirdOfAPoint() {
    SharedData.requireLongTests();
    CliRun fp32 = CliRun.of("eval", "--model", model(), "--data", data(), "--precision", "fp32");
    assertEquals(0, fp32.exit(), fp32::toString);
    assertTrue(
        fp32.out().contains("accuracy on 10,000 images: 0.9890 (110 errors)"), fp32::toString);
    JsonObject int8 =
        json(
            CliRun.of(
                "eval", "--model", model(), "--data", data(), "--precision", "int8", "--json"));
    assertEquals(10_000, int8.get("images").getAsInt());
    assertTrue(int8.get("errors").getAsInt() <= 110 + 30, int8::toString);
  }

  @Test
  void asIsRunsAPreQuantizedQdqModelWithItsOwnParameters() throws IOException {
    // mnist-8 quantized by the onnx module and written as QDQ: a model "quantized elsewhere"
    LoweredModel lowered = GraphLowering.lower(OnnxModel.read(Path.of(model())));
    float[] pixels = new float[300 * 784];
    float[][] images = IdxTestSet.read(Path.of(data()), 300).images();
    for (int n = 0; n < 300; n++) {
      System.arraycopy(images[n], 0, pixels, n * 784, 784);
    }
    Int8Executor executor =
        Int8Executor.calibrate(
            lowered, FloatTensor.of(Shape.of(300, 1, 28, 28), pixels), 100, RequantMode.FLOAT);
    Path qdq = Files.write(tmp.resolve("mnist-8-qdq.onnx"), QdqExporter.export(executor));

    JsonObject asIs =
        json(
            CliRun.of(
                "eval",
                "--model",
                qdq.toString(),
                "--data",
                data(),
                "--precision",
                "as-is",
                "--images",
                "500",
                "--json"));
    assertEquals("as-is", asIs.get("precision").getAsString());
    assertEquals(500, asIs.get("images").getAsInt());
    assertEquals(0, asIs.get("calibration_samples").getAsInt());
    // conv, pool, conv, pool, flatten, and the exporter's dense layer: reshape to [256, 1, 1], 1x1
    // conv, reshape
    assertEquals(8, asIs.get("layers").getAsInt());
    assertTrue(asIs.get("accuracy").getAsDouble() >= 0.98, asIs::toString);

    CliRun text =
        CliRun.of(
            "eval",
            "--model",
            qdq.toString(),
            "--data",
            data(),
            "--precision",
            "as-is",
            "--images",
            "100");
    assertEquals(0, text.exit(), text::toString);
    assertTrue(
        text.out()
            .startsWith(
                "eval: mnist-8-qdq.onnx as-is (its own QDQ scales and zero points, no"
                    + " calibration) on the reference static int8 layers"),
        text::toString);

    CliRun floatModel =
        CliRun.of("eval", "--model", model(), "--data", data(), "--precision", "as-is");
    assertEquals(1, floatModel.exit(), floatModel::toString);
    assertTrue(
        floatModel
            .err()
            .contains("mnist-8.onnx: no QuantizeLinear node: not a pre-quantized (QDQ) model"),
        floatModel::toString);
  }

  @Test
  void missingModelOrDataFailsNamingIt() throws IOException {
    Path missing = tmp.resolve("missing.onnx");
    CliRun run = CliRun.of("eval", "--model", missing.toString(), "--data", data());
    assertEquals(1, run.exit(), run::toString);
    assertEquals("eval: " + missing + ": no such file\n", run.err());

    Path empty = Files.createDirectories(tmp.resolve("empty"));
    run = CliRun.of("eval", "--model", model(), "--data", empty.toString());
    assertEquals(1, run.exit(), run::toString);
    assertTrue(run.err().contains("t10k-images-idx3-ubyte.gz: no such file"), run::toString);

    run = CliRun.of("eval", "--model", model(), "--data", tmp.resolve("nowhere").toString());
    assertEquals(2, run.exit(), run::toString);
    assertTrue(
        run.err().startsWith("eval: --data " + tmp.resolve("nowhere") + ": not a folder"),
        run::toString);
  }

  @Test
  void badPrecisionOrCountsAreUsageErrors() {
    CliRun run = CliRun.of("eval", "--model", model(), "--data", data(), "--precision", "int3");
    assertEquals(2, run.exit(), run::toString);
    assertTrue(
        run.err().startsWith("eval: --precision int3: expected fp32, fp16, int8, int4 or binary"),
        run::toString);

    run = CliRun.of("eval", "--model", model(), "--data", data(), "--images", "0");
    assertEquals(2, run.exit(), run::toString);
    assertTrue(run.err().startsWith("eval: --images 0: expected 1 or more"), run::toString);

    run =
        CliRun.of(
            "eval", "--model", model(), "--data", data(), "--images", "100", "--samples", "101");
    assertEquals(2, run.exit(), run::toString);
    assertTrue(run.err().startsWith("eval: --samples 101: expected 1..100"), run::toString);
  }

  private static JsonObject json(CliRun run) {
    assertEquals(0, run.exit(), run::toString);
    return JsonParser.parseString(run.out()).getAsJsonObject();
  }

  private static String model() {
    return SharedData.require("data/models/mnist-8.onnx").toString();
  }

  private static String data() {
    return SharedData.require("data/mnist").toString();
  }
}
