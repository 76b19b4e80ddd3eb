package dev.quantgen.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.quantgen.testkit.FuzzFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * Coverage-guided fuzzing of the Spark converter's own IDX reader: input that starts with gzip's
 * magic number is the file as it is, any other input is gzipped first (so the fuzzer reaches the
 * IDX header behind the compression); its last bit picks images or labels. Either the file reads as
 * {@code count} items of {@code itemSize} bytes, or fails with an {@link IOException} whose message
 * starts with the file. Anything else (an unchecked exception, an error that does not name the
 * file) is a finding.
 *
 * <p>With {@code JAZZER_FUZZ=1} the target is fuzzed (see {@code tools/fuzz.sh}); otherwise the
 * class is off and {@code IdxFileTest} runs the committed seeds under {@code
 * IdxFileFuzzTestInputs/sparkIdx/} through {@link #check} without Jazzer's agent, whose start-up
 * would cost this module's suite about a minute on a loaded machine.
 */
@EnabledIfEnvironmentVariable(named = "JAZZER_FUZZ", matches = ".+")
class IdxFileFuzzTest {
  @FuzzTest(maxDuration = "30s")
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void sparkIdx(byte[] data) throws IOException {
    check(data);
  }

  /** The oracle, also run on the committed seeds by {@code IdxFileTest}. */
  static void check(byte[] data) throws IOException {
    boolean gzipped = data.length >= 2 && (data[0] & 0xff) == 0x1f && (data[1] & 0xff) == 0x8b;
    int magic =
        data.length > 0 && (data[data.length - 1] & 1) == 1 ? IdxFile.LABELS : IdxFile.IMAGES;
    Path file = FuzzFiles.write("fuzz-idx.gz", gzipped ? data : gzip(data));
    try {
      IdxFile idx = IdxFile.read(file, magic);
      assertEquals((long) idx.count() * idx.itemSize(), idx.data().length, "data length");
      assertTrue(magic == IdxFile.IMAGES || idx.itemSize() == 1, "a label is one byte");
    } catch (IOException e) {
      assertTrue(
          String.valueOf(e.getMessage()).startsWith(file.toString()),
          () -> "error names the file: " + e);
    }
  }

  private static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
      out.write(data);
    }
    return bytes.toByteArray();
  }
}
