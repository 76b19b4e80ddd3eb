package dev.quantgen.quantize.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.quantgen.testkit.FuzzFiles;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing of the IDX reader (raw and gzipped): any bytes either read as images or
 * labels of the size their header claims, or fail with a {@link DataFormatException}. Anything else
 * is a finding (see {@code WeightSourceFuzzTest} for how the modes work).
 */
class IdxFuzzTest {
  @FuzzTest(maxDuration = "30s")
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void images(byte[] data) throws IOException {
    try {
      ImageSet images = Idx.readImages(FuzzFiles.write("fuzz-images.idx", data));
      assertEquals(
          (long) images.count() * images.rows() * images.cols(),
          images.raw().length,
          "pixel count");
    } catch (DataFormatException expected) {
      // a documented rejection
    }
  }

  @FuzzTest(maxDuration = "30s")
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void labels(byte[] data) throws IOException {
    try {
      Labels labels = Idx.readLabels(FuzzFiles.write("fuzz-labels.idx", data));
      assertEquals(labels.count(), labels.raw().length, "label count");
    } catch (DataFormatException expected) {
      // a documented rejection
    }
  }
}
