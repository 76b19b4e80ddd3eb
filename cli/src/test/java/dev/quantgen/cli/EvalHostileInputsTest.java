package dev.quantgen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.quantgen.cli.onnx.IdxTestSet;
import dev.quantgen.quantize.data.Idx;
import dev.quantgen.quantize.data.ImageSet;
import dev.quantgen.quantize.data.Labels;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code quantgen eval} on models and test sets no real download looks like (issue 19): a
 * dense-only model (the dense-chain model API, not the spatial one), labels the model cannot
 * output, and IDX headers that claim far more than the file holds. Everything here is made in the
 * test: no shared data.
 *
 * <p>The models classify by brightness: output {@code c} sums the 78 pixels of block {@code c}
 * ({@code 78c .. 78c + 77}), and each image's block at its label is 200 while the others are below
 * 100, so a correct kernel gets every image right at every precision that keeps the weights' signs.
 */
class EvalHostileInputsTest {
  private static final int PIXELS = 784;
  private static final int CLASSES = 10;
  private static final int BLOCK = 78;

  @TempDir Path tmp;

  @Test
  void denseOnlyModelRunsAtEveryPrecision() throws IOException {
    Path model = write("dense.onnx", singleMatMul());
    Path data = testSet("data", 64, false);
    for (String precision : new String[] {"fp32", "fp16", "int8", "int4"}) {
      JsonObject r =
          json(
              CliRun.of(
                  "eval",
                  "--model",
                  model.toString(),
                  "--data",
                  data.toString(),
                  "--precision",
                  precision,
                  "--samples",
                  "32",
                  "--json"));
      assertEquals(64, r.get("images").getAsInt(), r::toString);
      assertEquals(0, r.get("errors").getAsInt(), () -> precision + ": " + r);
    }
    // Binary weights keep only signs: every block weight is +1 and every other +1 too (sign(0) =
    // +1),
    // so the model cannot classify; it must still run on its generated kernels.
    JsonObject binary =
        json(
            CliRun.of(
                "eval",
                "--model",
                model.toString(),
                "--data",
                data.toString(),
                "--precision",
                "binary",
                "--json"));
    assertEquals("binary", binary.get("precision").getAsString());
    assertEquals(
        4 * (PIXELS * CLASSES + CLASSES),
        json(CliRun.of(
                "eval",
                "--model",
                model.toString(),
                "--data",
                data.toString(),
                "--precision",
                "fp32",
                "--json"))
            .get("model_bytes")
            .getAsLong());
  }

  @Test
  void denseChainOfTwoLayersCalibratesItsBoundaries() throws IOException {
    Path model = write("mlp.onnx", twoLayerMlp());
    Path data = testSet("data", 64, false);
    for (String precision : new String[] {"fp32", "int8"}) {
      JsonObject r =
          json(
              CliRun.of(
                  "eval",
                  "--model",
                  model.toString(),
                  "--data",
                  data.toString(),
                  "--precision",
                  precision,
                  "--samples",
                  "16",
                  "--json"));
      assertEquals(0, r.get("errors").getAsInt(), () -> precision + ": " + r);
      assertEquals(
          precision.equals("int8") ? 16 : 0, r.get("calibration_samples").getAsInt(), r::toString);
    }
  }

  /** Both model APIs: the spatial one (Flatten, then MatMul) and the dense chain. */
  @Test
  void labelOutsideTheModelsClassesIsAnErrorNamingTheFileAndIndex() throws IOException {
    Path data = testSet("bad-labels", 20, true); // label 7 is 255
    for (Path model :
        new Path[] {
          write("flattened.onnx", flattenThenMatMul()), write("dense.onnx", singleMatMul())
        }) {
      CliRun run =
          CliRun.of(
              "eval",
              "--model",
              model.toString(),
              "--data",
              data.toString(),
              "--precision",
              "fp32");
      assertEquals(1, run.exit(), run::toString);
      assertEquals(
          "eval: "
              + data.resolve(IdxTestSet.LABELS)
              + ": label 7 is 255, expected 0..9 (the 10 outputs of "
              + model.getFileName()
              + ")\n",
          run.err());
      assertEquals("", run.out());
    }
  }

  @Test
  void headerClaimingTwoBillionEmptyImagesIsAOneLineError() throws IOException {
    Path model = write("dense.onnx", singleMatMul());
    Path data = Files.createDirectories(tmp.resolve("empty-images"));
    // Just below the 2^31 - 9 bytes a single array can hold, so no byte count trips the old size
    // check.
    Files.write(
        data.resolve(IdxTestSet.IMAGES), gzip(header(Idx.IMAGES_MAGIC, 2_147_483_000, 0, 0)));
    Idx.writeLabelsGz(Labels.of(1, 2, 3), data.resolve(IdxTestSet.LABELS));
    CliRun run =
        CliRun.of(
            "eval", "--model", model.toString(), "--data", data.toString(), "--precision", "fp32");
    assertEquals(1, run.exit(), run::toString);
    assertEquals(
        "eval: " + data.resolve(IdxTestSet.IMAGES) + ": dimension 1 (rows) is 0, expected >= 1\n",
        run.err());
  }

  /**
   * A gzip file whose header claims 2.7 million 28x28 images (2.1 GB) but whose stream ends after
   * 10: {@code --images 5} reads the five it needs and never the rest (the real attack, a 2 MB file
   * of zeros expanding to 2.1 GB, costs the same five images); without {@code --images} the claim
   * is over {@link Idx#MAX_ELEMENTS} and refused before anything is read.
   */
  @Test
  void onlyTheImagesAskedForAreRead() throws IOException {
    Path model = write("dense.onnx", singleMatMul());
    Path data = Files.createDirectories(tmp.resolve("bomb"));
    int claimed = 2_700_000;
    ImageSet ten = images(10, new Random(3), new int[10], false);
    ByteBuffer raw = ByteBuffer.wrap(header(Idx.IMAGES_MAGIC, claimed, 28, 28, 10 * PIXELS));
    raw.position(16);
    for (int n = 0; n < 10; n++) {
      for (int p : ten.image(n)) {
        raw.put((byte) p);
      }
    }
    Files.write(data.resolve(IdxTestSet.IMAGES), gzip(raw.array()));
    ByteBuffer labels = ByteBuffer.wrap(header(Idx.LABELS_MAGIC, claimed, -1, -1, 10));
    Files.write(data.resolve(IdxTestSet.LABELS), gzip(labels.array()));

    JsonObject r =
        json(
            CliRun.of(
                "eval",
                "--model",
                model.toString(),
                "--data",
                data.toString(),
                "--precision",
                "fp32",
                "--images",
                "5",
                "--json"));
    assertEquals(5, r.get("images").getAsInt(), r::toString);

    CliRun all =
        CliRun.of(
            "eval", "--model", model.toString(), "--data", data.toString(), "--precision", "fp32");
    assertEquals(1, all.exit(), all::toString);
    assertTrue(
        all.err()
            .startsWith(
                "eval: "
                    + data.resolve(IdxTestSet.IMAGES)
                    + ": header claims 2700000 images of "
                    + "28x28; reading 2700000 of them means 2116800000 values, expected at most Idx.MAX_ELEMENTS = 268435456"),
        all::toString);
    assertEquals(1, all.err().lines().count(), all::toString);
  }

  // ---- data -------------------------------------------------------------------------------------

  /**
   * {@code count} images whose label's block is 200 and the others below 100; label 7 is 255 if
   * {@code badLabel}.
   */
  private Path testSet(String name, int count, boolean badLabel) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve(name));
    int[] labels = new int[count];
    ImageSet images = images(count, new Random(42), labels, badLabel);
    Idx.writeImagesGz(images, dir.resolve(IdxTestSet.IMAGES));
    Idx.writeLabelsGz(Labels.of(labels), dir.resolve(IdxTestSet.LABELS));
    return dir;
  }

  private static ImageSet images(int count, Random random, int[] labels, boolean badLabel) {
    byte[] pixels = new byte[count * PIXELS];
    for (int n = 0; n < count; n++) {
      int label = n % CLASSES;
      labels[n] = badLabel && n == 7 ? 255 : label;
      for (int i = 0; i < PIXELS; i++) {
        pixels[n * PIXELS + i] = (byte) (i / BLOCK == label ? 200 : random.nextInt(100));
      }
    }
    return ImageSet.of(count, 28, 28, pixels);
  }

  /** An IDX header (dimensions {@code < 0} left out) followed by {@code dataBytes} zero bytes. */
  private static byte[] header(int magic, int count, int rows, int cols, int dataBytes) {
    int dims = rows < 0 ? 1 : 3;
    ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims + dataBytes).putInt(magic).putInt(count);
    if (dims == 3) {
      b.putInt(rows).putInt(cols);
    }
    return b.array();
  }

  private static byte[] header(int magic, int count, int rows, int cols) {
    return header(magic, count, rows, cols, 0);
  }

  private static byte[] gzip(byte[] raw) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(raw);
    }
    return out.toByteArray();
  }

  // ---- models -----------------------------------------------------------------------------------

  /** x[1, 784] MatMul W[784, 10] + b: the brightness classifier in one dense layer. */
  private static byte[] singleMatMul() {
    OnnxMl.GraphProto.Builder g = graph(CLASSES);
    g.addInitializer(floats("W", blockWeights(), PIXELS, CLASSES));
    g.addInitializer(floats("b", new float[CLASSES], CLASSES));
    g.addNode(node("MatMul", "fc", "x", "W", "h"));
    g.addNode(node("Add", "fc_bias", "h", "b", "y"));
    return model(g);
  }

  /**
   * x[1, 1, 28, 28], Flatten, then the brightness classifier: a spatial model (it has a flatten
   * layer).
   */
  private static byte[] flattenThenMatMul() {
    OnnxMl.GraphProto.Builder g =
        OnnxMl.GraphProto.newBuilder()
            .setName("test")
            .addInput(value("x", 1, 1, 28, 28))
            .addOutput(value("y", 1, CLASSES));
    g.addInitializer(floats("W", blockWeights(), PIXELS, CLASSES));
    g.addNode(node("Flatten", "flat", "x", null, "f"));
    g.addNode(node("MatMul", "fc", "f", "W", "y"));
    return model(g);
  }

  /** The brightness classifier, then ReLU, then a 10 x 10 identity: a chain of two dense layers. */
  private static byte[] twoLayerMlp() {
    OnnxMl.GraphProto.Builder g = graph(CLASSES);
    g.addInitializer(floats("W1", blockWeights(), PIXELS, CLASSES));
    float[] identity = new float[CLASSES * CLASSES];
    for (int c = 0; c < CLASSES; c++) {
      identity[c * CLASSES + c] = 1;
    }
    g.addInitializer(floats("W2", identity, CLASSES, CLASSES));
    g.addNode(node("MatMul", "hidden", "x", "W1", "h"));
    g.addNode(node("Relu", "hidden_relu", "h", null, "r"));
    g.addNode(node("MatMul", "out", "r", "W2", "y"));
    return model(g);
  }

  /** W[i][c] = 1 when pixel i is in block c: ONNX MatMul weights are [in, out]. */
  private static float[] blockWeights() {
    float[] w = new float[PIXELS * CLASSES];
    for (int i = 0; i < CLASSES * BLOCK; i++) {
      w[i * CLASSES + i / BLOCK] = 1;
    }
    return w;
  }

  private static OnnxMl.GraphProto.Builder graph(int outputs) {
    return OnnxMl.GraphProto.newBuilder()
        .setName("test")
        .addInput(value("x", 1, PIXELS))
        .addOutput(value("y", 1, outputs));
  }

  private static OnnxMl.NodeProto node(String op, String name, String a, String b, String out) {
    OnnxMl.NodeProto.Builder n =
        OnnxMl.NodeProto.newBuilder().setOpType(op).setName(name).addInput(a).addOutput(out);
    if (b != null) {
      n.addInput(b);
    }
    return n.build();
  }

  private static OnnxMl.TensorProto floats(String name, float[] values, long... dims) {
    OnnxMl.TensorProto.Builder t =
        OnnxMl.TensorProto.newBuilder()
            .setName(name)
            .setDataType(OnnxMl.TensorProto.DataType.FLOAT_VALUE);
    for (long d : dims) {
      t.addDims(d);
    }
    for (float v : values) {
      t.addFloatData(v);
    }
    return t.build();
  }

  private static byte[] model(OnnxMl.GraphProto.Builder graph) {
    return OnnxMl.ModelProto.newBuilder()
        .setIrVersion(7)
        .setProducerName("quantgen-test")
        .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(13))
        .setGraph(graph)
        .build()
        .toByteArray();
  }

  private static OnnxMl.ValueInfoProto value(String name, long... dims) {
    OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
    for (long d : dims) {
      shape.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return OnnxMl.ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            OnnxMl.TypeProto.newBuilder()
                .setTensorType(
                    OnnxMl.TypeProto.Tensor.newBuilder()
                        .setElemType(OnnxMl.TensorProto.DataType.FLOAT_VALUE)
                        .setShape(shape)))
        .build();
  }

  private Path write(String name, byte[] bytes) throws IOException {
    return Files.write(tmp.resolve(name), bytes);
  }

  private static JsonObject json(CliRun run) {
    assertEquals(0, run.exit(), run::toString);
    return JsonParser.parseString(run.out()).getAsJsonObject();
  }
}
