/**
 * Batch scoring on Apache Spark with a quantized model ({@code .qgen}) and the user's generated
 * kernels: {@link dev.quantgen.spark.QuantizedScorer} adds a prediction (and, on request, the
 * logits) to every row of a data set, {@link dev.quantgen.spark.ScoreParquet} is the same as a
 * {@code spark-submit} job over Parquet, and {@link dev.quantgen.spark.FashionMnistToParquet}
 * converts the Fashion-MNIST IDX files to Parquet for the example.
 *
 * <p>Only the scorer's closures run on executors; they need the quantgen runtime and the user's
 * classes (the generated {@code <Model>_Model}), nothing else of quantgen.
 */
package dev.quantgen.spark;
