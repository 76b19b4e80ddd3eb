package dev.quantgen.runtime.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing of the {@code .qgen} model container reader: any bytes either load as a
 * model that writes and reloads to an equal model, or fail with a {@link ModelFileException}.
 * Anything else is a finding (see {@link WeightSourceFuzzTest} for how the modes work).
 *
 * <p>Most mutations break a CRC-32C and stop early, so a second target recomputes both checksums
 * of every input before reading it: that fuzzes the parser behind them (counts, lengths, offsets,
 * ranks, type codes, padding), which a random corruption on disk reaches only one time in 2^32.
 */
class ModelFileFuzzTest {
  @FuzzTest(maxDuration = "30s")
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void modelFile(byte[] data) throws IOException {
    readBack(data);
  }

  @FuzzTest(maxDuration = "30s")
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void modelFileWithValidChecksums(byte[] data) throws IOException {
    readBack(withValidChecksums(data));
  }

  /**
   * The input with its header CRC-32C (after the 16-byte prefix and the header length it declares)
   * and its file CRC-32C (8 bytes before the end) recomputed, where the input is long enough to
   * hold them.
   */
  static byte[] withValidChecksums(byte[] data) {
    byte[] f = data.clone();
    ByteBuffer b = ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN);
    if (f.length >= 16) {
      long headerEnd = 16 + Integer.toUnsignedLong(b.getInt(12));
      if (headerEnd + 4 <= f.length) {
        CRC32C crc = new CRC32C();
        crc.update(f, 0, (int) headerEnd);
        b.putInt((int) headerEnd, (int) crc.getValue());
      }
      if (f.length - 8 >= headerEnd + 4) {
        CRC32C crc = new CRC32C();
        crc.update(f, 0, f.length - 8);
        b.putInt(f.length - 8, (int) crc.getValue());
      }
    }
    return f;
  }

  private static void readBack(byte[] data) throws IOException {
    ModelFile model;
    try {
      model = ModelFile.read(FuzzFiles.write("fuzz.qgen", data));
    } catch (ModelFileException expected) {
      return; // a documented rejection
    }
    var copy = FuzzFiles.write("copy.qgen", new byte[0]);
    model.write(copy);
    assertEquals(model, ModelFile.read(copy), "a loaded model saves and reloads unchanged");
  }
}
