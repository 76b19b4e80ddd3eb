package dev.quantgen.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.SparkFiles;

/**
 * One session ({@link BatchedModel}) per executor JVM and model, shared by every task and partition
 * that JVM runs: the file is read and the kernels prepared once, then each task only runs batches.
 * It is safe for concurrent tasks (its kernels are immutable, its buffers per thread), and runs
 * each batch on the task's own thread: Spark already gives every core a task. Sessions stay for the
 * life of the executor (a model is a few hundred kilobytes), so later jobs reuse them too.
 */
final class ExecutorSessions {
  private static final Map<String, BatchedModel> SESSIONS = new ConcurrentHashMap<>();

  private ExecutorSessions() {}

  /**
   * The session of the model shipped as {@code fileName} (see {@link
   * org.apache.spark.SparkContext#addFile}) whose content has SHA-256 {@code sha256}, loaded on
   * first use in this JVM.
   *
   * @throws IllegalStateException if this executor's copy is not the file the driver checked
   */
  static BatchedModel get(String fileName, String sha256, ModelLoader loader) {
    return SESSIONS.computeIfAbsent(sha256 + ' ' + loader, key -> open(fileName, sha256, loader));
  }

  private static BatchedModel open(String fileName, String sha256, ModelLoader loader) {
    Path file = Paths.get(SparkFiles.get(fileName));
    try {
      String actual = ModelLoader.sha256(file);
      if (!actual.equals(sha256)) {
        throw new IllegalStateException(
            file
                + ": SHA-256 "
                + actual
                + ", expected "
                + sha256
                + " (the file the driver"
                + " checked); a file added to a Spark application cannot be replaced: give the new model another name");
      }
      return BatchedModel.of(loader.load(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
