package dev.quantgen.spark;

import dev.quantgen.runtime.model.QuantizedModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Scores a data set with a quantized model file ({@code .qgen}) on the user's generated kernels:
 *
 * <pre>{@code
 * Dataset<Row> scored = QuantizedScorer.of(Path.of("fashion-int8.qgen"))
 *     .kernels("dev.quantgen.examples.mlp.FashionMlp_Model")
 *     .column("image").id("id").withLogits()
 *     .score(spark.read().parquet("fashion-test.parquet"));
 * }</pre>
 *
 * <p>{@link #score} first loads and checks the file on the driver, so a missing or corrupt model
 * fails with the file's own error before any task runs. It then ships the file to every executor
 * ({@link org.apache.spark.SparkContext#addFile}), where each JVM loads it once into one shared
 * session, and returns the input with the column {@value #PREDICTION} (the predicted class) and,
 * with {@link #withLogits()}, {@value #LOGITS} (the model's outputs), computed lazily, partition by
 * partition, in batches of {@link #batchSize(int)} rows.
 */
public final class QuantizedScorer {
  /** The added column of predicted classes (int, the index of the largest logit). */
  public static final String PREDICTION = "prediction";

  /** The added column of logits ({@code array<float>}), with {@link #withLogits()}. */
  public static final String LOGITS = "logits";

  /**
   * Rows per batch unless told otherwise: large enough that a batch costs far more than its call.
   */
  public static final int DEFAULT_BATCH_SIZE = 256;

  private final Path modelFile;
  private String kernelsClass;
  private boolean requireGenerated = true;
  private String column = "image";
  private String idColumn;
  private boolean logits;
  private int batchSize = DEFAULT_BATCH_SIZE;

  private QuantizedScorer(Path modelFile) {
    this.modelFile = Objects.requireNonNull(modelFile, "modelFile");
  }

  /** A scorer of the model in {@code modelFile}, a path the driver can read. */
  public static QuantizedScorer of(Path modelFile) {
    return new QuantizedScorer(modelFile);
  }

  /**
   * Runs the model on the kernels javac generated in {@code generatedModelClass} (a {@code
   * <Model>_Model} class, on the executors' class path); without this, on the runtime's kernels.
   */
  public QuantizedScorer kernels(String generatedModelClass) {
    this.kernelsClass = Objects.requireNonNull(generatedModelClass, "generatedModelClass");
    return this;
  }

  /**
   * Lets layers without a matching generated kernel run on the runtime's kernel; by default such a
   * model fails on the driver, naming the layers.
   */
  public QuantizedScorer allowRuntimeKernels() {
    this.requireGenerated = false;
    return this;
  }

  /**
   * The input column: binary (8-bit pixels), {@code array<float>} or {@code array<double>}; default
   * {@code image}.
   */
  public QuantizedScorer column(String name) {
    this.column = Objects.requireNonNull(name, "name");
    return this;
  }

  /** A column that names rows in error messages (for example {@code id}); by default none. */
  public QuantizedScorer id(String name) {
    this.idColumn = Objects.requireNonNull(name, "name");
    return this;
  }

  /** Adds the {@value #LOGITS} column too. */
  public QuantizedScorer withLogits() {
    this.logits = true;
    return this;
  }

  /**
   * Rows per call of the batched session.
   *
   * @throws IllegalArgumentException if {@code rows < 1}
   */
  public QuantizedScorer batchSize(int rows) {
    if (rows < 1) {
      throw new IllegalArgumentException("batch size: expected >= 1, got " + rows);
    }
    this.batchSize = rows;
    return this;
  }

  /**
   * The rows of {@code input} with the prediction (and logits) added, computed when an action runs.
   *
   * @throws IOException the model file's own error: missing, unreadable, truncated, corrupt, or not
   *     the model the kernels were generated for
   * @throws IllegalArgumentException if a column is missing or of the wrong type, an output column
   *     exists already, or the kernels class cannot be used
   */
  public Dataset<Row> score(Dataset<Row> input) throws IOException {
    if (!Files.exists(modelFile)) {
      throw new NoSuchFileException(
          modelFile.toString(),
          null,
          "model file not found (the driver reads it and ships" + " it to the executors)");
    }
    ModelLoader loader = new ModelLoader(kernelsClass, requireGenerated);
    QuantizedModel model = loader.load(modelFile);
    StructType schema = input.schema();
    int columnIndex = fieldIndex(schema, column, "input");
    InputKind kind = InputKind.of(column, schema.fields()[columnIndex].dataType());
    int idIndex = idColumn == null ? -1 : fieldIndex(schema, idColumn, "id");
    StructType output = schema.add(newField(schema, PREDICTION), DataTypes.IntegerType, false);
    if (logits) {
      output =
          output.add(
              newField(schema, LOGITS),
              DataTypes.createArrayType(DataTypes.FloatType, false),
              false);
    }
    Path file = modelFile.toAbsolutePath().normalize();
    String sha256 = ModelLoader.sha256(file);
    ship(input.sparkSession().sparkContext(), file);
    ScorePartitions scoring =
        new ScorePartitions(
            file.getFileName().toString(),
            sha256,
            loader,
            column,
            columnIndex,
            kind,
            idColumn,
            idIndex,
            model.inputSize(),
            batchSize,
            logits);
    return input.mapPartitions(scoring, Encoders.row(output));
  }

  /**
   * Adds {@code file} to the application's files unless a file of that name is there already (Spark
   * keeps the first of a name; an executor whose copy differs fails on its SHA-256 check).
   */
  private static void ship(SparkContext spark, Path file) {
    String name = "/" + file.getFileName();
    if (!CollectionConverters.asJava(spark.listFiles()).stream()
        .anyMatch(uri -> uri.endsWith(name))) {
      spark.addFile(file.toString());
    }
  }

  private static int fieldIndex(StructType schema, String name, String role) {
    if (!Arrays.asList(schema.fieldNames()).contains(name)) {
      throw new IllegalArgumentException(
          role
              + " column '"
              + name
              + "' is not in the data set, expected one of "
              + Arrays.toString(schema.fieldNames()));
    }
    return schema.fieldIndex(name);
  }

  private static String newField(StructType schema, String name) {
    if (Arrays.asList(schema.fieldNames()).contains(name)) {
      throw new IllegalArgumentException(
          "output column '"
              + name
              + "' is in the data set already, expected a data"
              + " set without it (drop or rename it first)");
    }
    return name;
  }
}
