package dev.quantgen.runtime.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The batched int4 product on panels ({@link KernelSupport#int4Panels}, {@link
 * KernelSupport#gemmInt4(byte[], byte[], int, int, int, byte[], int, int[], int)}): equal bit for
 * bit to the scalar row-major product for any int4 weights and int8 activations, every row count,
 * row range (the splits of {@link Rows}, and ranges starting and ending inside panels), batch
 * (every tile remainder) and input count (chunks of exact sums ending anywhere), and rows outside
 * the range never written. The extremes (every product {@code -8 * -128 = 1024}, or {@code -8 *
 * 127}) over thousands of inputs check that no partial sum leaves the range where it is exact. Run
 * without the module (scalar) and at 256 and 512 bits.
 */
class Int4PanelProductTest {
  private static final int UNTOUCHED = 12345;

  /**
   * Every weight -8 and every activation -128 (or 127 in odd samples): each product is the largest
   * (or most negative) there is, on every input, for input counts below, at and past an exact chunk
   * (128 inputs in the float panels, 127 in a double-lane packing) up to a few thousand.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"scalar", "vector"})
  void largestProductsStayExactOverLongRows(String path) {
    KernelSupport k = KernelPaths.support(path);
    for (int n : new int[] {1, 126, 127, 128, 129, 254, 255, 1001, 3001}) {
      for (int rows : new int[] {1, 47, 48, 49, 97, 128, 130, 257}) {
        int rowBytes = (n + 1) / 2;
        byte[] w = new byte[rows * rowBytes];
        Arrays.fill(w, (byte) 0x88); // every weight -8
        int batch = 13; // eight samples, four, then one
        byte[] x = new byte[batch * n];
        for (int b = 0; b < batch; b++) {
          Arrays.fill(x, b * n, (b + 1) * n, b % 2 == 0 ? (byte) -128 : (byte) 127);
        }
        int[] acc = new int[batch * rows];
        k.gemmInt4(w, k.int4Panels(w, rows, n), n, 0, rows, x, batch, acc, rows);
        for (int b = 0; b < batch; b++) {
          for (int r = 0; r < rows; r++) {
            assertEquals(
                b % 2 == 0 ? 1024 * n : -1016 * n,
                acc[b * rows + r],
                "n " + n + " rows " + rows + " sample " + b + " row " + r);
          }
        }
      }
    }
  }

  /**
   * Random weights and activations with the extremes mixed in, every row count 1 to 67 and row
   * counts that fill blocks and panels or leave a remainder after them (up to 257), over the whole
   * range and over ranges as {@link Rows} splits them (at 64 and 128) and as they never would
   * (inside panels): equal to the scalar reference, other rows untouched.
   */
  @ParameterizedTest(name = "{0} n={1}")
  @CsvSource({
    "scalar, 131",
    "vector, 1",
    "vector, 2",
    "vector, 127",
    "vector, 131",
    "vector, 255",
    "vector, 784"
  })
  void equalsTheReferenceForEveryRowCountRangeAndBatch(String path, int n) {
    KernelSupport k = KernelPaths.support(path);
    KernelSupport reference = Kernels.scalar();
    Random random = new Random(4 + n);
    int rowBytes = (n + 1) / 2;
    int[] rowCounts = new int[67 + 9];
    for (int r = 1; r <= 67; r++) {
      rowCounts[r - 1] = r;
    }
    System.arraycopy(new int[] {95, 96, 97, 128, 129, 160, 200, 256, 257}, 0, rowCounts, 67, 9);
    for (int rows : rowCounts) {
      byte[] w = new byte[rows * rowBytes];
      random.nextBytes(w);
      w[0] = (byte) 0x88;
      byte[] panels = k.int4Panels(w, rows, n);
      for (int batch : rows <= 67 ? new int[] {rows % 2 == 0 ? 8 : 13} : new int[] {1, 7, 9, 67}) {
        byte[] x = new byte[batch * n];
        random.nextBytes(x);
        x[0] = -128;
        int[] want = new int[batch * rows];
        reference.gemmInt4(w, n, 0, rows, x, batch, want, rows);
        for (int[] range : ranges(rows)) {
          int stride = rows + 1;
          int[] acc = new int[batch * stride];
          Arrays.fill(acc, UNTOUCHED);
          k.gemmInt4(w, panels, n, range[0], range[1], x, batch, acc, stride);
          for (int b = 0; b < batch; b++) {
            for (int r = 0; r < stride; r++) {
              int expected = r < range[0] || r >= range[1] ? UNTOUCHED : want[b * rows + r];
              assertEquals(
                  expected,
                  acc[b * stride + r],
                  "rows "
                      + rows
                      + " ["
                      + range[0]
                      + ", "
                      + range[1]
                      + ") batch "
                      + batch
                      + " sample "
                      + b
                      + " row "
                      + r);
            }
          }
        }
      }
    }
  }

  /** The whole range, the splits of {@link Rows} that fit, and ranges inside panels. */
  private static int[][] ranges(int rows) {
    if (rows < 8) {
      return new int[][] {{0, rows}};
    }
    if (rows < 128) {
      return new int[][] {{0, rows}, {3, rows - 2}, {0, rows / 2}, {rows / 2, rows}};
    }
    return new int[][] {
      {0, rows}, {0, 64}, {64, rows}, {0, 128}, {128, rows}, {50, 100}, {100, rows - 1}
    };
  }
}
