package dev.quantgen.runtime.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Saving a model over an existing file survives the process being killed at any moment: a child JVM
 * ({@link SaveLoop}) saves two versions alternately over one file and is killed ({@code
 * destroyForcibly}, SIGKILL on Linux) at a random moment of a save, many times over. After every
 * kill the file must load (magic, sizes and both CRC-32C checksums) as exactly one of the two
 * versions, never a mix; temporary files left by killed saves must be removed by the next save.
 */
class AtomicSaveCrashTest {
  /** Wall-clock budget for the kill loop; each round costs a JVM start. */
  private static final long BUDGET_NANOS = TimeUnit.SECONDS.toNanos(6);

  private static final int MAX_KILLS = 40;
  private static final int MIN_KILLS = 5;

  @TempDir Path dir;

  @Test
  void killedSaveLeavesTheOldOrTheNewFileNeverAMix() throws Exception {
    Path target = dir.resolve("model.qgen");
    List<ModelFile> versions = List.of(SaveLoop.version(0), SaveLoop.version(1));
    versions.get(0).write(target);
    Random random = new Random(20261127);
    long start = System.nanoTime();
    int kills = 0;
    while (kills < MAX_KILLS && (kills < MIN_KILLS || System.nanoTime() - start < BUDGET_NANOS)) {
      Process child = startSaveLoop(target);
      try (BufferedReader out =
          new BufferedReader(
              new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        // Let 1 or 2 saves complete (so both versions get written), then kill at a random point of
        // the next save: a save lasts about as long as the previous one did.
        int saves = 1 + random.nextInt(2);
        long saveNanos = 0;
        for (int i = 0; i < saves; i++) {
          long before = System.nanoTime();
          assertEquals("saved", out.readLine(), "the child reports each save");
          saveNanos = System.nanoTime() - before;
        }
        TimeUnit.NANOSECONDS.sleep((long) (random.nextDouble() * saveNanos));
      } finally {
        child.destroyForcibly();
        assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the killed child exits");
      }
      kills++;
      ModelFile loaded = ModelFile.read(target);
      int version = versions.indexOf(loaded);
      assertTrue(
          version >= 0,
          "after kill "
              + kills
              + " the file is one complete version, found metadata "
              + loaded.metadata());
    }
    versions.get(1).write(target);
    assertEquals(List.of(), temps(target), "a save removes the temporary files of killed saves");
    assertEquals(versions.get(1), ModelFile.read(target));
    assertTrue(kills >= MIN_KILLS, "kills: " + kills);
  }

  private static Process startSaveLoop(Path target) throws IOException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    return new ProcessBuilder(
            java.toString(),
            "-Xshare:auto",
            "-XX:TieredStopAtLevel=1",
            "-Xmx128m",
            "-cp",
            System.getProperty("java.class.path"),
            SaveLoop.class.getName(),
            target.toString())
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
  }

  private static List<Path> temps(Path target) throws IOException {
    try (Stream<Path> files = Files.list(target.getParent())) {
      return files.filter(p -> !p.equals(target)).toList();
    }
  }
}
