package dev.quantgen.maven;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The committed fuzz seeds and past findings of this module's readers, each through its fuzz
 * target's oracle, as plain tests: {@link ImportStampFuzzTest} and {@link ImportSettingsFuzzTest}
 * run only when fuzzing.
 */
class FuzzSeedsTest {
  @TestFactory
  Stream<DynamicTest> importStampSeeds() throws Exception {
    return seeds("ImportStampFuzzTestInputs/importStamp").stream()
        .map(
            seed ->
                DynamicTest.dynamicTest(
                    seed.getFileName().toString(),
                    () -> ImportStampFuzzTest.check(Files.readAllBytes(seed))));
  }

  @TestFactory
  Stream<DynamicTest> importSettingsSeeds() throws Exception {
    return seeds("ImportSettingsFuzzTestInputs/importSettings").stream()
        .map(
            seed ->
                DynamicTest.dynamicTest(
                    seed.getFileName().toString(),
                    () -> ImportSettingsFuzzTest.check(Files.readAllBytes(seed))));
  }

  private static List<Path> seeds(String folder) throws Exception {
    Path dir;
    try {
      dir = Path.of(FuzzSeedsTest.class.getResource(folder).toURI());
    } catch (URISyntaxException | NullPointerException e) {
      throw new AssertionError("no seed folder " + folder + " next to " + FuzzSeedsTest.class, e);
    }
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> seeds = files.sorted().collect(Collectors.toList());
      assertFalse(seeds.isEmpty(), folder + " holds seeds");
      return seeds;
    }
  }
}
