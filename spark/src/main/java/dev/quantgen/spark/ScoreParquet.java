package dev.quantgen.spark;

import java.io.IOException;
import java.nio.file.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * The scoring job for {@code spark-submit}: reads Parquet, adds {@value QuantizedScorer#PREDICTION}
 * (and {@value QuantizedScorer#LOGITS} with {@code --logits}) with {@link QuantizedScorer}, writes
 * Parquet.
 *
 * <pre>
 * spark-submit --class dev.quantgen.spark.ScoreParquet quantgen-spark-0.1.0-SNAPSHOT-job.jar \
 *     --model fashion-int8.qgen --kernels dev.quantgen.examples.mlp.FashionMlp_Model \
 *     --input fashion-test.parquet --output scores.parquet [--column image] [--id id] [--logits]
 *     [--batch 256] [--allow-runtime-kernels]
 * </pre>
 *
 * <p>Unless the submitter sets it, {@code spark.task.maxFailures} is 1: a bad row fails the same
 * way on every try, so the job stops at the first failure with that row's message instead of
 * retrying.
 */
public final class ScoreParquet {
  private static final String USAGE =
      "usage: ScoreParquet --model FILE --input PARQUET --output PARQUET"
          + " [--kernels CLASS] [--column image] [--id COLUMN] [--logits] [--batch N] [--allow-runtime-kernels]";

  private ScoreParquet() {}

  public static void main(String[] args) throws IOException {
    String model = null;
    String input = null;
    String output = null;
    String kernels = null;
    String column = "image";
    String id = null;
    boolean logits = false;
    boolean allowRuntime = false;
    int batch = QuantizedScorer.DEFAULT_BATCH_SIZE;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--model" -> model = Args.value(args, ++i, "--model");
        case "--input" -> input = Args.value(args, ++i, "--input");
        case "--output" -> output = Args.value(args, ++i, "--output");
        case "--kernels" -> kernels = Args.value(args, ++i, "--kernels");
        case "--column" -> column = Args.value(args, ++i, "--column");
        case "--id" -> id = Args.value(args, ++i, "--id");
        case "--logits" -> logits = true;
        case "--batch" -> batch = Args.positive(args, ++i, "--batch");
        case "--allow-runtime-kernels" -> allowRuntime = true;
        default -> throw Args.usage("unknown argument '" + args[i] + "'; " + USAGE);
      }
    }
    if (model == null || input == null || output == null) {
      throw Args.usage("--model, --input and --output are required; " + USAGE);
    }
    QuantizedScorer scorer = QuantizedScorer.of(Path.of(model)).column(column).batchSize(batch);
    if (kernels != null) {
      scorer.kernels(kernels);
    }
    if (id != null) {
      scorer.id(id);
    }
    if (logits) {
      scorer.withLogits();
    }
    if (allowRuntime) {
      scorer.allowRuntimeKernels();
    }
    SparkConf conf = new SparkConf().setIfMissing("spark.task.maxFailures", "1");
    SparkSession spark =
        SparkSession.builder().config(conf).appName("quantgen score " + model).getOrCreate();
    try {
      scorer.score(spark.read().parquet(input)).write().parquet(output);
    } finally {
      spark.stop();
    }
  }
}
