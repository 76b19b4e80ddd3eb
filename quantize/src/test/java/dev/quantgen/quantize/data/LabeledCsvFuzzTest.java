package dev.quantgen.quantize.data;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.quantgen.testkit.FuzzFiles;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing of the labeled CSV reader: any bytes (read as gzip when they start with
 * gzip's magic number, as plain text otherwise) either read as a dataset of finite features and
 * labels within the classes, or fail with a {@link DataFormatException}. Anything else (an
 * unchecked exception, a raw {@code java.util.zip} error, a NaN or infinite feature read silently)
 * is a finding (see {@code WeightSourceFuzzTest} for how the modes work).
 */
class LabeledCsvFuzzTest {
  private static final int CLASSES = 10;

  @FuzzTest(maxDuration = "30s")
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void labeledCsv(byte[] data) throws IOException {
    boolean gzip = data.length >= 2 && (data[0] & 0xff) == 0x1f && (data[1] & 0xff) == 0x8b;
    try {
      Dataset d =
          LabeledCsv.read(FuzzFiles.write(gzip ? "fuzz.csv.gz" : "fuzz.csv", data), 16, CLASSES);
      assertTrue(d.size() >= 1 && d.inputSize() >= 1, "at least one row of at least one feature");
      for (int i = 0; i < d.size(); i++) {
        assertTrue(d.label(i) >= 0 && d.label(i) < CLASSES, "label within the classes");
        for (float v : d.input(i)) {
          assertTrue(Float.isFinite(v), "a non-finite feature read silently: " + v);
        }
      }
    } catch (DataFormatException expected) {
      // a documented rejection
    }
  }
}
