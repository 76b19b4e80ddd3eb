package dev.quantgen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.quantgen.quantize.calibrate.ObserverKind;
import dev.quantgen.quantize.weights.NpyWriter;
import dev.quantgen.runtime.model.Precision;
import dev.quantgen.runtime.model.QuantizedModel;
import dev.quantgen.runtime.model.QuantizedModelFiles;
import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * {@code quantgen calibrate} on the embedded model and images, and on a small weights file of its
 * own.
 */
class CalibrateCommandTest {
  @TempDir Path tmp;

  @Test
  void writesAModelFileThatLoadsBackAndPrintsEachLayersSqnr() throws Exception {
    Path file = tmp.resolve("m.qgen");
    CliRun run = CliRun.of("calibrate", "--samples", "200", "--out", file.toString());

    assertEquals(CommandLine.ExitCode.OK, run.exit(), run.toString());
    QuantizedModel model = QuantizedModelFiles.load(file);
    assertEquals("int8 static", model.label());
    assertEquals(3, model.size());
    String text = run.out();
    assertTrue(text.contains("images 0..199 calibrate, the other 1,800 evaluate"), text);
    assertTrue(
        text.contains(String.format("parameters %,d bytes, fp32 940,584", model.parameterBytes())),
        text);
    for (String row : new String[] {"\nfc1 ", "\nfc2 ", "\nfc3 ", "\nmodel (end to end) "}) {
      assertTrue(text.contains(row), row + " in\n" + text);
    }
  }

  @Test
  void jsonIsOneObjectWhoseNumbersMatchTheFile() throws Exception {
    Path file = tmp.resolve("m.qgen");
    CliRun run =
        CliRun.of(
            "calibrate",
            "--precision",
            "int4",
            "--samples",
            "100",
            "--out",
            file.toString(),
            "--json");

    assertEquals(0, run.exit(), run.toString());
    JsonObject o = JsonParser.parseString(run.out()).getAsJsonObject();
    QuantizedModel model = QuantizedModelFiles.load(file);
    assertEquals("int4", o.get("precision").getAsString());
    assertEquals("int4 dynamic", o.get("label").getAsString());
    assertEquals(model.parameterBytes(), o.get("parameter_bytes").getAsLong());
    assertEquals(Files.size(file), o.get("file_bytes").getAsLong());
    assertEquals(1_900, o.get("evaluation_images").getAsInt());
    JsonArray layers = o.getAsJsonArray("layers");
    assertEquals(4, layers.size(), "three layers and the end-to-end row");
    for (int k = 0; k < 3; k++) {
      JsonObject row = layers.get(k).getAsJsonObject();
      assertEquals(model.layer(k).name(), row.get("layer").getAsString());
      assertEquals(model.layer(k).parameterBytes(), row.get("size_bytes").getAsLong());
      assertTrue(row.get("sqnr_db").getAsDouble() > 10, row.toString());
    }
    double accuracy = o.get("accuracy").getAsDouble();
    assertTrue(accuracy > 0.8 && accuracy <= 1, "accuracy " + accuracy);
  }

  @ParameterizedTest
  @ValueSource(strings = {"minmax", "moving-average", "percentile", "entropy", "mse"})
  void observerNamesAreTheCalibrationMethods(String name) {
    ObserverKind kind =
        new QuantizationOptions.ObserverConverter().convert(name.toUpperCase(Locale.ROOT));
    assertEquals(name, QuantizationOptions.name(kind));
  }

  @Test
  void theChosenObserverCalibratesAStaticInt8Model() throws Exception {
    String observer = "moving-average";
    Path file = tmp.resolve(observer + ".qgen");
    CliRun run =
        CliRun.of(
            "calibrate",
            "--observer",
            observer,
            "--samples",
            "64",
            "--out",
            file.toString(),
            "--json");

    assertEquals(0, run.exit(), run.toString());
    JsonObject o = JsonParser.parseString(run.out()).getAsJsonObject();
    assertEquals(observer, o.get("observer").getAsString());
    assertEquals("int8 static", QuantizedModelFiles.load(file).label());
    assertTrue(o.get("accuracy").getAsDouble() > 0.8, run.out());
  }

  @Test
  void calibratesAWeightsFileWithTheGivenSizesAndNames() throws Exception {
    Path weights = tmp.resolve("tiny.npz");
    Random random = new Random(7);
    Map<String, FloatTensor> tensors = new LinkedHashMap<>();
    tensors.put("hidden.weight", randomTensor(random, 16, 784));
    tensors.put("hidden.bias", randomTensor(random, 16));
    tensors.put("out.weight", randomTensor(random, 10, 16)); // no bias: the layer has none
    NpyWriter.writeNpz(weights, tensors, false);
    Path file = tmp.resolve("tiny.qgen");

    CliRun run =
        CliRun.of(
            "calibrate",
            "--weights",
            weights.toString(),
            "--layers",
            "784,16,10",
            "--layer-names",
            "hidden,out",
            "--precision",
            "fp16",
            "--samples",
            "50",
            "--out",
            file.toString());

    assertEquals(0, run.exit(), run.toString());
    QuantizedModel model = QuantizedModelFiles.load(file);
    assertEquals(Precision.FP16, model.layer(0).precision());
    assertEquals("hidden", model.layer(0).name());
    assertEquals("out", model.layer(1).name());
    assertTrue(run.out().startsWith("calibrate: tiny.npz 784,16,10 -> fp16"), run.out());
  }

  @Test
  void helpDescribesEveryOptionAndExitsZero() {
    CliRun run = CliRun.of("calibrate", "--help");
    assertEquals(0, run.exit());
    for (String option :
        new String[] {
          "--weights",
          "--layers",
          "--data",
          "--samples",
          "--precision",
          "--observer",
          "--activations",
          "--weight-observer",
          "--out",
          "--json"
        }) {
      assertTrue(run.out().contains(option), option + " in\n" + run.out());
    }
  }

  @Test
  void anUnknownPrecisionIsAUsageErrorListingTheChoices() {
    CliRun run =
        CliRun.of("calibrate", "--precision", "int3", "--out", tmp.resolve("x.qgen").toString());
    assertEquals(CommandLine.ExitCode.USAGE, run.exit());
    assertTrue(
        run.err().contains("'int3', expected one of fp32, fp16, int8, int4, binary"), run.err());
    assertFalse(Files.exists(tmp.resolve("x.qgen")));
  }

  @Test
  void anUnknownObserverIsAUsageErrorListingTheChoices() {
    CliRun run =
        CliRun.of("calibrate", "--observer", "kl", "--out", tmp.resolve("x.qgen").toString());
    assertEquals(CommandLine.ExitCode.USAGE, run.exit());
    assertTrue(
        run.err()
            .contains("'kl', expected one of minmax, moving-average, percentile, entropy, mse"),
        run.err());
  }

  @Test
  void aMissingWeightsFileIsAUsageErrorNamingIt() {
    Path missing = tmp.resolve("nope.npz");
    CliRun run =
        CliRun.of(
            "calibrate",
            "--weights",
            missing.toString(),
            "--layers",
            "784,10",
            "--out",
            tmp.resolve("x.qgen").toString());
    assertEquals(CommandLine.ExitCode.USAGE, run.exit());
    assertTrue(run.err().contains("calibrate: --weights " + missing + " is not a file"), run.err());
  }

  @Test
  void aCorruptWeightsFileIsARuntimeErrorNamingTheFile() throws Exception {
    Path bad = tmp.resolve("bad.npz");
    Files.writeString(bad, "not a zip archive");
    CliRun run =
        CliRun.of(
            "calibrate",
            "--weights",
            bad.toString(),
            "--layers",
            "784,10",
            "--out",
            tmp.resolve("x.qgen").toString());
    assertEquals(CommandLine.ExitCode.SOFTWARE, run.exit(), run.toString());
    assertTrue(
        run.err().startsWith("calibrate: ") && run.err().contains(bad.toString()), run.err());
    assertFalse(run.err().contains("\tat "), "no stack trace:\n" + run.err());
  }

  @Test
  void aWeightShapeThatDoesNotFitTheLayersNamesLayerTensorAndShapes() throws Exception {
    Path weights = tmp.resolve("w.npz");
    NpyWriter.writeNpz(weights, Map.of("fc1.weight", randomTensor(new Random(1), 10, 100)), false);
    CliRun run =
        CliRun.of(
            "calibrate",
            "--weights",
            weights.toString(),
            "--layers",
            "784,10",
            "--out",
            tmp.resolve("x.qgen").toString());
    assertEquals(CommandLine.ExitCode.SOFTWARE, run.exit(), run.toString());
    assertTrue(
        run.err()
            .contains("layer fc1, tensor 'fc1.weight': expected shape [10, 784], found [10, 100]"),
        run.err());
  }

  @Test
  void weightsNeedLayerSizes() throws Exception {
    Path weights = tmp.resolve("w.npz");
    NpyWriter.writeNpz(weights, Map.of("fc1.weight", randomTensor(new Random(1), 10, 784)), false);
    CliRun run =
        CliRun.of(
            "calibrate",
            "--weights",
            weights.toString(),
            "--out",
            tmp.resolve("x.qgen").toString());
    assertEquals(CommandLine.ExitCode.USAGE, run.exit());
    assertTrue(run.err().contains("--weights needs --layers"), run.err());
  }

  @Test
  void layerSizesMustFitTheImages() throws Exception {
    Path weights = tmp.resolve("w.npz");
    NpyWriter.writeNpz(weights, Map.of("fc1.weight", randomTensor(new Random(1), 10, 100)), false);
    CliRun run =
        CliRun.of(
            "calibrate",
            "--weights",
            weights.toString(),
            "--layers",
            "100,10",
            "--out",
            tmp.resolve("x.qgen").toString());
    assertEquals(CommandLine.ExitCode.USAGE, run.exit());
    assertTrue(
        run.err().contains("the model takes 100 inputs, but the images have 784 pixels"),
        run.err());
  }

  @Test
  void samplesMustLeaveEvaluationImages() {
    CliRun run =
        CliRun.of("calibrate", "--samples", "2000", "--out", tmp.resolve("x.qgen").toString());
    assertEquals(CommandLine.ExitCode.USAGE, run.exit());
    assertTrue(
        run.err().contains("--samples is 2000, expected fewer than the embedded 2000 test images"),
        run.err());
  }

  @Test
  void samplesMustBePositive() {
    CliRun run =
        CliRun.of("calibrate", "--samples", "0", "--out", tmp.resolve("x.qgen").toString());
    assertEquals(CommandLine.ExitCode.USAGE, run.exit());
    assertTrue(run.err().contains("--samples is 0, expected >= 1"), run.err());
  }

  @Test
  void activationModesApplyOnlyToIntegerPrecisions() {
    CliRun run =
        CliRun.of(
            "calibrate",
            "--precision",
            "fp16",
            "--activations",
            "static",
            "--out",
            tmp.resolve("x.qgen").toString());
    assertEquals(CommandLine.ExitCode.USAGE, run.exit());
    assertTrue(
        run.err().contains("--activations applies to int8 and int4, not to --precision fp16"),
        run.err());
  }

  @Test
  void theOutputFolderMustExist() {
    Path out = tmp.resolve("no/such/folder/m.qgen");
    CliRun run = CliRun.of("calibrate", "--out", out.toString());
    assertEquals(CommandLine.ExitCode.USAGE, run.exit());
    assertTrue(run.err().contains("does not exist"), run.err());
  }

  @Test
  void aDataFolderWithoutTestImagesIsAUsageError() {
    CliRun run =
        CliRun.of("calibrate", "--data", tmp.toString(), "--out", tmp.resolve("x.qgen").toString());
    assertEquals(CommandLine.ExitCode.USAGE, run.exit());
    assertTrue(
        run.err().contains("has no t10k-images-idx3-ubyte or t10k-images-idx3-ubyte.gz file"),
        run.err());
  }

  static FloatTensor randomTensor(Random random, int... dims) {
    Shape shape = Shape.of(dims);
    float[] v = new float[shape.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (random.nextGaussian() * 0.1);
    }
    return FloatTensor.of(shape, v);
  }
}
