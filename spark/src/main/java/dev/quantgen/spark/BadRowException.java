package dev.quantgen.spark;

/**
 * A row the model cannot score (null or wrong-sized features), named by its id column when the job
 * has one and always by its partition and position, so the failure says which row to look at. It
 * fails the task at once: retrying the same row would fail the same way.
 */
public final class BadRowException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  BadRowException(String message) {
    super(message);
  }
}
