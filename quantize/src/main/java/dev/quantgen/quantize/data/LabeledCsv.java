package dev.quantgen.quantize.data;

import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads a headerless CSV of numbers with the integer class label in the last column (the UCI
 * optdigits / scikit-learn {@code digits.csv.gz} layout), plain or gzipped (by the {@code .gz}
 * suffix).
 */
public final class LabeledCsv {
  private LabeledCsv() {}

  /**
   * Reads the file; every feature is divided by {@code featureScale} (16 for the 0..16 optdigits
   * counts).
   *
   * @throws DataFormatException naming the file, line and column of anything that is not a finite
   *     number (NaN and infinities too), a row of a different width, or a label outside {@code
   *     0..numClasses-1}; naming the file for a corrupt or truncated gzip stream
   */
  public static Dataset read(Path file, float featureScale, int numClasses) throws IOException {
    try (InputStream raw = Files.newInputStream(file);
        InputStream in =
            file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
        BufferedReader reader =
            new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      FloatList features = new FloatList();
      IntList labels = new IntList();
      int width = -1;
      int lineNo = 0;
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        String[] cells = line.split(",", -1);
        if (width < 0) {
          width = cells.length;
          if (width < 2) {
            throw new DataFormatException(
                file
                    + " line "
                    + lineNo
                    + ": "
                    + width
                    + " column(s), expected features and a label");
          }
        } else if (cells.length != width) {
          throw new DataFormatException(
              file + " line " + lineNo + ": " + cells.length + " columns, expected " + width);
        }
        for (int c = 0; c < width - 1; c++) {
          features.add(parseFloat(cells[c], file, lineNo, c) / featureScale);
        }
        float label = parseFloat(cells[width - 1], file, lineNo, width - 1);
        if (label != (int) label || label < 0 || label >= numClasses) {
          throw new DataFormatException(
              file
                  + " line "
                  + lineNo
                  + ": label is "
                  + cells[width - 1].trim()
                  + ", expected an integer 0.."
                  + (numClasses - 1));
        }
        labels.add((int) label);
      }
      if (width < 0) {
        throw new DataFormatException(file + ": no rows, expected at least one");
      }
      return Dataset.of(features.toArray(), width - 1, labels.toArray(), numClasses);
    } catch (ZipException e) {
      throw new DataFormatException(file + ": corrupt gzip stream: " + e.getMessage(), e);
    } catch (EOFException e) {
      throw new DataFormatException(file + ": truncated gzip stream", e);
    }
  }

  private static float parseFloat(String cell, Path file, int line, int column)
      throws DataFormatException {
    float v;
    try {
      v = Float.parseFloat(cell.trim());
    } catch (NumberFormatException e) {
      throw new DataFormatException(
          file + " line " + line + " column " + column + ": '" + cell + "' is not a number", e);
    }
    if (!Float.isFinite(v)) { // "NaN", "Infinity" and "1e39" parse, but no sample is made of them
      throw new DataFormatException(
          file
              + " line "
              + line
              + " column "
              + column
              + ": '"
              + cell.trim()
              + "' is "
              + v
              + ", expected a finite number");
    }
    return v;
  }

  /** A growable float array, to avoid boxing hundreds of thousands of values. */
  private static final class FloatList {
    private float[] a = new float[1024];
    private int n;

    void add(float v) {
      if (n == a.length) {
        a = java.util.Arrays.copyOf(a, a.length * 2);
      }
      a[n++] = v;
    }

    float[] toArray() {
      return java.util.Arrays.copyOf(a, n);
    }
  }

  private static final class IntList {
    private int[] a = new int[256];
    private int n;

    void add(int v) {
      if (n == a.length) {
        a = java.util.Arrays.copyOf(a, a.length * 2);
      }
      a[n++] = v;
    }

    int[] toArray() {
      return java.util.Arrays.copyOf(a, n);
    }
  }
}
