package dev.quantgen.spark;

import org.apache.spark.sql.SparkSession;

/** A Spark session in local mode for tests and measurements: no UI, loopback only. */
final class LocalSpark {
  private LocalSpark() {}

  static SparkSession start(String master) {
    return SparkSession.builder()
        .master(master)
        .appName("quantgen-spark-test")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.task.maxFailures", "1")
        .getOrCreate();
  }
}
