package dev.quantgen.spark;

import dev.quantgen.examples.mlp.FashionMlp_Model;
import dev.quantgen.quantize.data.Dataset;
import dev.quantgen.quantize.data.Idx;
import dev.quantgen.runtime.model.InferenceSession;
import dev.quantgen.runtime.model.Precision;
import dev.quantgen.runtime.model.QuantizedModelFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Local-mode throughput against a single JVM on the same cores, both measured in one run: the
 * 60,000 Fashion-MNIST training images scored with the same {@code .qgen} file by (a) one {@link
 * InferenceSession} over all cores on the images in memory, (b) Spark {@code local[N]} from Parquet
 * to Spark's no-op sink (the whole job: read, decode, score, encode), (c) the same from a cached
 * input (Spark's row handling and scheduling without Parquet), (d) Spark alone: (b) without the
 * model (an identity mapPartitions), Spark's own cost per image. Rounds alternate; medians are
 * printed.
 *
 * <p>Run from the repository root after {@code mvn -pl spark -am test-compile}, with the test class
 * path ({@code mvn -pl spark dependency:build-classpath -Dmdep.outputFile=cp.txt
 * -Dmdep.includeScope=test}) and the JVM flags of the module's surefire argLine; see docs/spark.md.
 */
public final class LocalThroughput {
  private LocalThroughput() {}

  public static void main(String[] args) throws IOException {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    int cores = Runtime.getRuntime().availableProcessors();
    Path fashionMnist = Path.of(FashionMnistToParquet.DEFAULT_DIR);
    Path dir = Files.createTempDirectory("quantgen-spark-throughput");
    FashionModels models = new FashionModels(fashionMnist, dir);
    Dataset train =
        Dataset.of(
            Idx.readImages(fashionMnist.resolve("train-images-idx3-ubyte.gz")),
            Idx.readLabels(fashionMnist.resolve("train-labels-idx1-ubyte.gz")),
            10);
    float[] x = FashionModels.inputs(train);
    int n = train.size();
    SparkSession spark = LocalSpark.start("local[" + cores + "]");
    String parquet = dir.resolve("fashion-train.parquet").toString();
    FashionMnistToParquet.write(spark, fashionMnist, "train", 4 * cores, false, parquet);
    System.out.printf(
        Locale.ROOT,
        "CPU: %s; JDK %s (%s); kernels: %s; %d cores; %d images, %d rounds (medians)%n",
        cpu(),
        System.getProperty("java.version"),
        System.getProperty("java.vm.name"),
        dev.quantgen.runtime.kernel.Kernels.support().getClass().getSimpleName(),
        cores,
        n,
        rounds);
    for (Precision precision : new Precision[] {Precision.INT8, Precision.INT4}) {
      Path model = models.save(precision);
      InferenceSession session =
          new InferenceSession(QuantizedModelFiles.load(model, FashionMlp_Model.kernels()));
      int[] labels = new int[n];
      QuantizedScorer scorer = QuantizedScorer.of(model).kernels(FashionModels.KERNELS).id("id");
      org.apache.spark.sql.Dataset<Row> cached = spark.read().parquet(parquet).cache();
      cached.count();
      double[] single = new double[rounds];
      double[] batched = new double[rounds];
      BatchedModel chain = BatchedModel.of(session.model());
      double[] fromParquet = new double[rounds];
      double[] fromCache = new double[rounds];
      double[] sparkAlone = new double[rounds];
      for (int r = -1; r < rounds; r++) { // round -1 warms up
        long t0 = System.nanoTime();
        session.classify(x, n, labels);
        long t1 = System.nanoTime();
        batchedOnCores(chain, x, n, cores, QuantizedScorer.DEFAULT_BATCH_SIZE);
        long tb = System.nanoTime();
        scorer.score(spark.read().parquet(parquet)).write().format("noop").mode("overwrite").save();
        long t2 = System.nanoTime();
        scorer.score(cached).write().format("noop").mode("overwrite").save();
        long t3 = System.nanoTime();
        org.apache.spark.sql.Dataset<Row> input = spark.read().parquet(parquet);
        input
            .mapPartitions(
                (MapPartitionsFunction<Row, Row>) rows -> rows, Encoders.row(input.schema()))
            .write()
            .format("noop")
            .mode("overwrite")
            .save();
        long t4 = System.nanoTime();
        if (r >= 0) {
          sparkAlone[r] = n / ((t4 - t3) / 1e9);
          single[r] = n / ((t1 - t0) / 1e9);
          batched[r] = n / ((tb - t1) / 1e9);
          fromParquet[r] = n / ((t2 - tb) / 1e9);
          fromCache[r] = n / ((t3 - t2) / 1e9);
        }
      }
      cached.unpersist();
      double s = median(single);
      double b = median(batched);
      System.out.printf(
          Locale.ROOT,
          "%s: single JVM, session.classify (%d threads): %,.0f images/s; single JVM,"
              + " the job's batched forward (%d threads, batches of %d): %,.0f images/s%n",
          precision,
          session.threads(),
          s,
          cores,
          QuantizedScorer.DEFAULT_BATCH_SIZE,
          b);
      System.out.printf(
          Locale.ROOT,
          "%s: Spark local[%d], Parquet -> noop: %,.0f images/s (%.2fx the batched single"
              + " JVM); cached input -> noop: %,.0f images/s (%.2fx); Spark alone (the Parquet job without the model:"
              + " identity mapPartitions): %,.0f images/s%n",
          precision,
          cores,
          median(fromParquet),
          median(fromParquet) / b,
          median(fromCache),
          median(fromCache) / b,
          median(sparkAlone));
    }
    spark.stop();
  }

  /**
   * Scores {@code x} on {@code cores} threads, each its contiguous share in batches, as Spark's
   * tasks do.
   */
  private static void batchedOnCores(BatchedModel model, float[] x, int n, int cores, int batch) {
    int in = model.inputSize();
    int out = model.outputSize();
    java.util.stream.IntStream.range(0, cores)
        .parallel()
        .forEach(
            t -> {
              int from = (int) ((long) n * t / cores);
              int to = (int) ((long) n * (t + 1) / cores);
              float[] xb = new float[batch * in];
              float[] yb = new float[batch * out];
              for (int i = from; i < to; i += batch) {
                int rows = Math.min(batch, to - i);
                if (rows < batch) {
                  xb = new float[rows * in];
                  yb = new float[rows * out];
                }
                System.arraycopy(x, i * in, xb, 0, rows * in);
                model.run(xb, rows, yb);
              }
            });
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  /** The CPU's model name and vector flags, from /proc/cpuinfo. */
  private static String cpu() throws IOException {
    String model = "unknown";
    String flags = "";
    for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
      if (line.startsWith("model name") && model.equals("unknown")) {
        model = line.substring(line.indexOf(':') + 1).trim();
      } else if (line.startsWith("flags") && flags.isEmpty()) {
        StringBuilder b = new StringBuilder();
        for (String f : line.substring(line.indexOf(':') + 1).trim().split(" ")) {
          if (f.equals("avx2")
              || f.equals("avx512f")
              || f.equals("avx512_vnni")
              || f.equals("avx512bw")) {
            b.append(b.length() == 0 ? "" : " ").append(f);
          }
        }
        flags = b.toString();
      }
    }
    return model + " [" + flags + "]";
  }
}
