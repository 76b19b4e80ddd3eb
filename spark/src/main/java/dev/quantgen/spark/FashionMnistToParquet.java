package dev.quantgen.spark;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Converts a Fashion-MNIST IDX pair (images and labels, as the Debian package {@code
 * dataset-fashion-mnist} installs them) to Parquet with the columns {@code id} (long: the image's
 * index in the IDX file), {@code label} (int) and {@code image}: the 784 pixels as binary (one
 * unsigned byte each, the compact form {@link QuantizedScorer} scales by 1/255) or, with {@code
 * --floats}, as {@code array<float>} already scaled.
 *
 * <pre>
 * spark-submit --class dev.quantgen.spark.FashionMnistToParquet quantgen-spark-job.jar \
 *     [--data /usr/share/datasets/fashion-mnist] [--set test|train] [--files 8] [--floats] OUT
 * </pre>
 */
public final class FashionMnistToParquet {
  /** Where the Debian package puts the IDX files. */
  public static final String DEFAULT_DIR = "/usr/share/datasets/fashion-mnist";

  private FashionMnistToParquet() {}

  public static void main(String[] args) throws IOException {
    String dir = DEFAULT_DIR;
    String set = "test";
    int files = 8;
    boolean floats = false;
    String out = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--data" -> dir = Args.value(args, ++i, "--data");
        case "--set" -> set = Args.value(args, ++i, "--set");
        case "--files" -> files = Args.positive(args, ++i, "--files");
        case "--floats" -> floats = true;
        default -> out = Args.single(out, args[i], "OUT");
      }
    }
    if (out == null) {
      throw Args.usage(
          "expected the output folder OUT; usage: FashionMnistToParquet [--data DIR] [--set test|train]"
              + " [--files N] [--floats] OUT");
    }
    SparkSession spark = SparkSession.builder().appName("Fashion-MNIST to Parquet").getOrCreate();
    try {
      long rows = write(spark, Path.of(dir), set, files, floats, out);
      System.out.println("wrote " + rows + " rows to " + out);
    } finally {
      spark.stop();
    }
  }

  /**
   * Writes the {@code set} ("test" or "train") of the IDX files in {@code dir} to {@code out} as
   * {@code files} Parquet files; returns the number of rows.
   *
   * @throws IOException the IDX reader's error, naming the file
   */
  public static long write(
      SparkSession spark, Path dir, String set, int files, boolean floats, String out)
      throws IOException {
    String prefix =
        switch (set) {
          case "test" -> "t10k";
          case "train" -> "train";
          default ->
              throw new IllegalArgumentException(
                  "--set: expected test or train, got '" + set + "'");
        };
    IdxFile images = IdxFile.read(dir.resolve(prefix + "-images-idx3-ubyte.gz"), IdxFile.IMAGES);
    IdxFile labels = IdxFile.read(dir.resolve(prefix + "-labels-idx1-ubyte.gz"), IdxFile.LABELS);
    if (images.count() != labels.count()) {
      throw new IOException(
          dir
              + ": "
              + images.count()
              + " images and "
              + labels.count()
              + " labels in the "
              + set
              + " set, expected as many of each");
    }
    StructType schema =
        new StructType()
            .add("id", DataTypes.LongType, false)
            .add("label", DataTypes.IntegerType, false)
            .add(
                "image",
                floats
                    ? DataTypes.createArrayType(DataTypes.FloatType, false)
                    : DataTypes.BinaryType,
                false);
    int count = images.count();
    int size = images.itemSize();
    byte[] pixels = images.data();
    byte[] classes = labels.data();
    // The executors build the rows from one broadcast copy of the bytes: no task carries data.
    Broadcast<byte[]> shared =
        JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(pixels);
    MapFunction<Long, Row> row =
        id -> {
          int i = (int) (long) id;
          byte[] bytes = Arrays.copyOfRange(shared.value(), i * size, (i + 1) * size);
          Object image = bytes;
          if (floats) {
            Float[] x = new Float[size];
            for (int p = 0; p < size; p++) {
              x[p] = (bytes[p] & 0xff) / 255f;
            }
            image = x;
          }
          return RowFactory.create(id, classes[i] & 0xff, image);
        };
    spark
        .range(0, count, 1, files)
        .as(Encoders.LONG())
        .map(row, Encoders.row(schema))
        .write()
        .parquet(out);
    shared.destroy();
    return count;
  }
}
