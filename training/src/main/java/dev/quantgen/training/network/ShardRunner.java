package dev.quantgen.training.network;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * Runs numbered tasks on a fixed set of threads: thread {@code t} runs tasks {@code t, t + T, ...},
 * the calling thread being thread 0. Which thread runs a task never affects what it computes;
 * callers combine the tasks' results in task order.
 */
final class ShardRunner implements AutoCloseable {
  private final int threads;
  private final ExecutorService pool;

  ShardRunner(int threads) {
    this.threads = threads;
    this.pool =
        threads > 1
            ? Executors.newFixedThreadPool(
                threads - 1,
                r -> {
                  Thread t = new Thread(r, "quantgen-train-worker");
                  t.setDaemon(true); // never keeps a JVM alive if a caller forgets close()
                  return t;
                })
            : null;
  }

  /**
   * Runs {@code task(0) .. task(count - 1)} and returns when all are done; rethrows the first
   * failure.
   */
  void run(int count, IntConsumer task) {
    int used = Math.min(threads, count);
    List<Future<?>> futures = new ArrayList<>(used);
    for (int t = 1; t < used; t++) {
      int first = t;
      futures.add(pool.submit(() -> runEvery(first, used, count, task)));
    }
    runEvery(0, used, count, task);
    for (Future<?> f : futures) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for a training worker", e);
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof RuntimeException re) {
          throw re;
        }
        if (cause instanceof Error err) {
          throw err;
        }
        throw new IllegalStateException(cause);
      }
    }
  }

  private static void runEvery(int first, int stride, int count, IntConsumer task) {
    for (int i = first; i < count; i += stride) {
      task.accept(i);
    }
  }

  @Override
  public void close() {
    if (pool != null) {
      pool.shutdownNow();
    }
  }
}
