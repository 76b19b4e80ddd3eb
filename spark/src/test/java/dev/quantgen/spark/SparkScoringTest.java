package dev.quantgen.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quantgen.examples.mlp.FashionMlp_Model;
import dev.quantgen.quantize.data.Dataset;
import dev.quantgen.runtime.model.InferenceSession;
import dev.quantgen.runtime.model.Precision;
import dev.quantgen.runtime.model.QuantizedModelFiles;
import dev.quantgen.testkit.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.spark.SparkException;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Scoring the 10,000 Fashion-MNIST test images on Spark in local mode (2 cores) gives, row for row,
 * the prediction and the logits (bit for bit) of one {@link InferenceSession} on the same {@code
 * .qgen} file in this JVM; a bad model fails before any task runs with the file's own error, and a
 * bad row fails at once naming the row.
 */
class SparkScoringTest {
  @TempDir static Path dir;

  private static SparkSession spark;
  private static Path fashionMnist;
  private static FashionModels models;
  private static String parquet; // image: binary, 784 unsigned bytes
  private static String parquetFloats; // image: array<float>, 784 floats scaled to [0, 1]

  @BeforeAll
  static void start() throws IOException {
    fashionMnist = SharedData.requireFashionMnist();
    models = new FashionModels(fashionMnist, dir);
    spark = LocalSpark.start("local[2]");
    parquet = dir.resolve("fashion-test.parquet").toString();
    FashionMnistToParquet.write(spark, fashionMnist, "test", 4, false, parquet);
    parquetFloats = dir.resolve("fashion-test-floats.parquet").toString();
    FashionMnistToParquet.write(spark, fashionMnist, "test", 4, true, parquetFloats);
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  /** INT8 reads the images as bytes, INT4 as floats: both input forms, each at full size. */
  @ParameterizedTest
  @EnumSource(
      value = Precision.class,
      names = {"INT8", "INT4"})
  void everyPredictionAndLogitEqualsOneSessionInThisJvm(Precision precision) throws IOException {
    String input = precision == Precision.INT8 ? parquet : parquetFloats;
    Path model = models.save(precision);
    Dataset test = FashionModels.test(fashionMnist);
    int n = test.size();
    float[] expected = new float[n * 10];
    InferenceSession session =
        new InferenceSession(QuantizedModelFiles.load(model, FashionMlp_Model.kernels()));
    assertTrue(session.model().allGenerated(), session.model().kernelNames().toString());
    session.run(FashionModels.inputs(test), n, expected);

    List<Row> scored =
        QuantizedScorer.of(model)
            .kernels(FashionModels.KERNELS)
            .id("id")
            .withLogits()
            .score(spark.read().parquet(input))
            .select("id", "label", QuantizedScorer.PREDICTION, QuantizedScorer.LOGITS)
            .collectAsList();

    assertEquals(n, scored.size());
    boolean[] seen = new boolean[n];
    int correct = 0;
    for (Row row : scored) {
      int id = (int) row.getLong(0);
      assertTrue(!seen[id], "id " + id + " scored twice");
      seen[id] = true;
      assertEquals(test.label(id), row.getInt(1), "label of id " + id);
      assertEquals(
          InferenceSession.argmax(expected, id * 10, 10), row.getInt(2), "prediction of id " + id);
      List<Float> logits = row.getList(3);
      for (int c = 0; c < 10; c++) {
        assertEquals(
            Float.floatToRawIntBits(expected[id * 10 + c]),
            Float.floatToRawIntBits(logits.get(c)),
            "logit " + c + " of id " + id);
      }
      correct += row.getInt(2) == test.label(id) ? 1 : 0;
    }
    System.out.printf(
        "%s (%s): %d of %d predictions and logits equal to the single-JVM session; accuracy %.2f%%%n",
        precision,
        spark.read().parquet(input).schema().apply("image").dataType().simpleString(),
        n,
        n,
        100.0 * correct / n);
  }

  @Test
  void aMissingModelFailsOnTheDriverBeforeAnyJobWithTheFilesName() {
    Path missing = dir.resolve("no-such-model.qgen");
    org.apache.spark.sql.Dataset<Row> input = spark.read().parquet(parquet);
    NoSuchFileException e =
        beforeAnyJob(
            () ->
                assertThrows(
                    NoSuchFileException.class,
                    () -> QuantizedScorer.of(missing).kernels(FashionModels.KERNELS).score(input)));
    assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
  }

  @Test
  void aCorruptModelFailsOnTheDriverBeforeAnyJobWithTheReadersError() throws IOException {
    Path good = models.save(Precision.INT8);
    Path corrupt = dir.resolve("corrupt-int8.qgen");
    byte[] bytes = Files.readAllBytes(good);
    bytes[bytes.length / 2] ^= 0x40;
    Files.write(corrupt, bytes);
    org.apache.spark.sql.Dataset<Row> input = spark.read().parquet(parquet);
    IOException e =
        beforeAnyJob(
            () ->
                assertThrows(
                    IOException.class,
                    () -> QuantizedScorer.of(corrupt).kernels(FashionModels.KERNELS).score(input)));
    assertTrue(e.getMessage().contains(corrupt.toString()), e.getMessage());
    System.out.println("corrupt model: " + e);
  }

  @Test
  void aRowOfTheWrongSizeFailsTheJobAtOnceNamingTheRow() throws IOException {
    Path model = models.save(Precision.INT8);
    StructType schema =
        new StructType()
            .add("id", DataTypes.StringType, false)
            .add("features", DataTypes.createArrayType(DataTypes.FloatType, false), false);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      rows.add(RowFactory.create("image-" + i, new Float[i == 3 ? 783 : 784]));
    }
    for (Row row : rows) {
      java.util.Arrays.fill((Float[]) row.get(1), 0.5f);
    }
    org.apache.spark.sql.Dataset<Row> input = spark.createDataFrame(rows, schema).coalesce(1);
    SparkException e =
        assertThrows(
            SparkException.class,
            () ->
                QuantizedScorer.of(model)
                    .kernels(FashionModels.KERNELS)
                    .column("features")
                    .id("id")
                    .score(input)
                    .collectAsList());
    String message = e.getMessage();
    assertTrue(
        message.contains(
            "row id=image-3 (row 3 of partition 0): column 'features' holds 783 values, expected"
                + " 784 (the input size of fashion-int8.qgen)"),
        message);
    assertTrue(message.contains("failed 1 times"), message);
    assertTrue(message.contains(BadRowException.class.getName()), message);
  }

  @Test
  void aColumnOfAnotherTypeFailsOnTheDriverNamingTheTypesExpected() throws IOException {
    Path model = models.save(Precision.INT8);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                QuantizedScorer.of(model)
                    .kernels(FashionModels.KERNELS)
                    .column("label")
                    .score(spark.read().parquet(parquet)));
    assertEquals(
        "input column 'label' is int, expected binary (8-bit pixels), array<float> or array<double>",
        e.getMessage());
  }

  @Test
  void aLayerWithoutAMatchingGeneratedKernelFailsOnTheDriverUnlessRuntimeKernelsAreAllowed()
      throws IOException {
    Path model = models.saveWithoutGeneratedKernelForFc3();
    org.apache.spark.sql.Dataset<Row> input = spark.read().parquet(parquet);
    IllegalArgumentException e =
        beforeAnyJob(
            () ->
                assertThrows(
                    IllegalArgumentException.class,
                    () -> QuantizedScorer.of(model).kernels(FashionModels.KERNELS).score(input)));
    String message = e.getMessage();
    assertTrue(
        message.startsWith(
            model
                + ": 1 layer matches none of the kernels generated for"
                + " dev.quantgen.examples.mlp.FashionMlp:\n  layer 2 'fc3': expected Fc3_Int8: int8 symmetric per-channel"
                + " static (integer requantization), 128 -> 10, bias, activation NONE; the model has int8 symmetric"
                + " per-tensor static (integer requantization), 128 -> 10, bias, activation NONE\n"),
        message);
    assertTrue(
        message.endsWith(
            "On Spark: --allow-runtime-kernels, or QuantizedScorer.allowRuntimeKernels()."),
        message);

    List<Row> scored =
        QuantizedScorer.of(model)
            .kernels(FashionModels.KERNELS)
            .allowRuntimeKernels()
            .score(input)
            .limit(8)
            .collectAsList();
    assertEquals(8, scored.size(), "with the opt-in, fc3 runs on the runtime's kernel");
  }

  /** Runs {@code body} in a job group and checks that it started no Spark job. */
  private static <T> T beforeAnyJob(Supplier<T> body) {
    String group = "bad-model-" + System.nanoTime();
    spark.sparkContext().setJobGroup(group, "must not run", false);
    try {
      return body.get();
    } finally {
      spark.sparkContext().clearJobGroup();
      assertEquals(
          0, spark.sparkContext().statusTracker().getJobIdsForGroup(group).length, "jobs started");
    }
  }
}
