package dev.quantgen.spark;

import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * How one row's features are stored in the input column, and how they become the model's floats.
 * The choice is made once on the driver from the column's type.
 */
enum InputKind {
  /**
   * {@code binary}: unsigned 8-bit pixels, scaled to [0, 1] by {@code / 255f} as the project's
   * datasets are.
   */
  BYTES("binary (unsigned 8-bit pixels, scaled by 1/255)") {
    @Override
    int length(Row row, int column) {
      return ((byte[]) row.get(column)).length;
    }

    @Override
    void copy(Row row, int column, float[] x, int offset) {
      byte[] pixels = (byte[]) row.get(column);
      for (int i = 0; i < pixels.length; i++) {
        x[offset + i] = (pixels[i] & 0xff) / 255f;
      }
    }
  },
  /** {@code array<float>}: the model's inputs as they are. */
  FLOATS("array<float>") {
    @Override
    int length(Row row, int column) {
      return row.getList(column).size();
    }

    @Override
    void copy(Row row, int column, float[] x, int offset) {
      List<Object> values = row.getList(column);
      for (int i = 0; i < values.size(); i++) {
        Object v = values.get(i);
        if (v == null) {
          throw new IllegalArgumentException("feature " + i + " is null, expected a float");
        }
        x[offset + i] = (Float) v;
      }
    }
  },
  /** {@code array<double>}: narrowed to float, as a float model reads them. */
  DOUBLES("array<double> (narrowed to float)") {
    @Override
    int length(Row row, int column) {
      return row.getList(column).size();
    }

    @Override
    void copy(Row row, int column, float[] x, int offset) {
      List<Object> values = row.getList(column);
      for (int i = 0; i < values.size(); i++) {
        Object v = values.get(i);
        if (v == null) {
          throw new IllegalArgumentException("feature " + i + " is null, expected a double");
        }
        x[offset + i] = (float) (double) (Double) v;
      }
    }
  };

  private final String description;

  InputKind(String description) {
    this.description = description;
  }

  /** Number of features in {@code row}'s (non-null) {@code column}. */
  abstract int length(Row row, int column);

  /** Copies the features of {@code row}'s (non-null) {@code column} to {@code x[offset ..]}. */
  abstract void copy(Row row, int column, float[] x, int offset);

  /** What the column holds, for messages. */
  String description() {
    return description;
  }

  /**
   * The kind of a column of type {@code type}.
   *
   * @throws IllegalArgumentException naming the column and the types it may have
   */
  static InputKind of(String column, DataType type) {
    if (type.equals(DataTypes.BinaryType)) {
      return BYTES;
    }
    if (type instanceof ArrayType array) {
      if (array.elementType().equals(DataTypes.FloatType)) {
        return FLOATS;
      }
      if (array.elementType().equals(DataTypes.DoubleType)) {
        return DOUBLES;
      }
    }
    throw new IllegalArgumentException(
        "input column '"
            + column
            + "' is "
            + type.simpleString()
            + ", expected binary (8-bit pixels), array<float> or array<double>");
  }
}
