package dev.quantgen.spark;

import dev.quantgen.runtime.model.InferenceSession;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The executor side of {@link QuantizedScorer}: each partition's rows go through the executor's
 * shared model in batches of {@code batchSize} ({@link BatchedModel#run}: one batched forward per
 * batch), and come out as they went in plus the predicted class and, on request, the logits.
 */
final class ScorePartitions implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

  private final String fileName;
  private final String sha256;
  private final ModelLoader loader;
  private final String column;
  private final int columnIndex;
  private final InputKind kind;
  private final String idColumn; // null: rows are named by partition and position only
  private final int idIndex;
  private final int inputSize;
  private final int batchSize;
  private final boolean logits;

  ScorePartitions(
      String fileName,
      String sha256,
      ModelLoader loader,
      String column,
      int columnIndex,
      InputKind kind,
      String idColumn,
      int idIndex,
      int inputSize,
      int batchSize,
      boolean logits) {
    this.fileName = fileName;
    this.sha256 = sha256;
    this.loader = loader;
    this.column = column;
    this.columnIndex = columnIndex;
    this.kind = kind;
    this.idColumn = idColumn;
    this.idIndex = idIndex;
    this.inputSize = inputSize;
    this.batchSize = batchSize;
    this.logits = logits;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    TaskContext task = TaskContext.get();
    return new Batches(
        rows,
        ExecutorSessions.get(fileName, sha256, loader),
        task == null ? -1 : task.partitionId());
  }

  /** Reads a batch of rows, scores it in one call, hands the rows out, and reads the next. */
  private final class Batches implements Iterator<Row> {
    private final Iterator<Row> input;
    private final BatchedModel session;
    private final int partition;
    private final int outputSize;
    private final Row[] rows = new Row[batchSize];
    private final float[] x = new float[batchSize * inputSize];
    private final float[] y;
    private long position; // rows of this partition read so far
    private int count; // rows in the current batch
    private int next; // the next of them to hand out
    private float[] scores; // y, or a right-sized copy for a final short batch

    Batches(Iterator<Row> input, BatchedModel session, int partition) {
      this.input = input;
      this.session = session;
      this.partition = partition;
      this.outputSize = session.outputSize();
      this.y = new float[batchSize * outputSize];
    }

    @Override
    public boolean hasNext() {
      if (next < count) {
        return true;
      }
      fill();
      return count > 0;
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      int b = next++;
      Row row = rows[b];
      rows[b] = null;
      int n = row.size();
      Object[] values = new Object[n + (logits ? 2 : 1)];
      for (int i = 0; i < n; i++) {
        values[i] = row.get(i);
      }
      values[n] = InferenceSession.argmax(scores, b * outputSize, outputSize);
      if (logits) {
        values[n + 1] = Arrays.copyOfRange(scores, b * outputSize, (b + 1) * outputSize);
      }
      return RowFactory.create(values);
    }

    private void fill() {
      count = 0;
      next = 0;
      while (count < batchSize && input.hasNext()) {
        Row row = input.next();
        copy(row, count);
        rows[count++] = row;
        position++;
      }
      if (count == batchSize) {
        session.run(x, count, y);
        scores = y;
      } else if (count > 0) {
        scores = new float[count * outputSize];
        session.run(Arrays.copyOf(x, count * inputSize), count, scores);
      }
    }

    private void copy(Row row, int b) {
      if (row.isNullAt(columnIndex)) {
        throw bad(row, "column '" + column + "' is null, expected " + inputSize + " features");
      }
      int length = kind.length(row, columnIndex);
      if (length != inputSize) {
        throw bad(
            row,
            "column '"
                + column
                + "' holds "
                + length
                + " values, expected "
                + inputSize
                + " (the input size of "
                + fileName
                + ")");
      }
      try {
        kind.copy(row, columnIndex, x, b * inputSize);
      } catch (IllegalArgumentException e) {
        throw bad(row, "column '" + column + "': " + e.getMessage());
      }
    }

    private BadRowException bad(Row row, String problem) {
      String where = "row " + position + " of partition " + partition;
      String name =
          idColumn == null
              ? where
              : "row " + idColumn + "=" + row.get(idIndex) + " (" + where + ")";
      return new BadRowException(name + ": " + problem);
    }
  }
}
