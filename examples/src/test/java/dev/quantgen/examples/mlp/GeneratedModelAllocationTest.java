package dev.quantgen.examples.mlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.quantgen.examples.ChildJvm;
import dev.quantgen.runtime.kernel.Rows;
import dev.quantgen.runtime.model.Precision;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link FashionMlp} loaded from a {@code .qgen} file onto its generated kernels allocates nothing
 * per call once warm, at every precision, one sample and a batch of {@link AllocationProbe#BATCH}
 * through {@code InferenceSession} (through the batched products' converted panels and tiles, the
 * largest layer's rows split across two threads: the caller and a persistent worker, both counted);
 * allowance 0.
 *
 * <p>Each precision runs in a JVM of its own ({@link AllocationProbe} in a child process, with this
 * JVM's class path, {@code --add-modules}, {@code -XX:MaxInlineLevel} and {@code -Dquantgen.*}
 * options), as a service that loads one model does. That is also where the guarantee holds today:
 * in one JVM that has first run models of other precisions, C2 on JDK 17 sometimes compiles a
 * Vector API kernel with some calls left un-intrinsified, and that kernel then boxes vectors
 * (hundreds of KB per call) for the life of the JVM. The runtime's kernels are written to make that
 * rarer (see the class comment of its {@code VectorKernelSupport}); docs/reliability.md gives the
 * measured rates. This test caught it: 326 KB per INT8 call on a CI run. Session 8 found the
 * mechanism (Vector API chains inlined past HotSpot's default depth of 15, see the runtime's {@code
 * InlineDepth}): the vector runs use {@code -XX:MaxInlineLevel=30}, the depth the launcher and the
 * README give; at the default depth this test saw 4 MB per 500 INT8 calls in one README-command
 * run.
 */
class GeneratedModelAllocationTest {
  private static final Pattern LINE =
      Pattern.compile(
          "allocation (\\w+) single=(\\d+) batch=(\\d+) layer=(\\d+) calls=(\\d+)/(\\d+)"
              + " kernels=(\\S+) jdk=(\\S+).*");

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(Precision.class)
  void aWarmModelAllocatesNothingPerCallForOneSampleOrABatch(Precision precision) throws Exception {
    assumeTrue(
        ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean,
        "needs HotSpot's per-thread allocation counter");
    String line = runProbe(precision);
    System.out.println("[generated-allocation] " + line);
    Matcher m = LINE.matcher(line);
    assertTrue(m.matches(), "probe output: " + line);
    assertEquals(
        0,
        Long.parseLong(m.group(2)),
        precision + ": bytes allocated by " + m.group(5) + " single-sample calls on " + m.group(7));
    assertEquals(
        0,
        Long.parseLong(m.group(3)),
        precision
            + ": bytes allocated by "
            + m.group(6)
            + " batch-"
            + AllocationProbe.BATCH
            + " calls on "
            + m.group(7));
    assertEquals(
        0,
        Long.parseLong(m.group(4)),
        precision
            + ": bytes allocated by "
            + m.group(6)
            + " batch-"
            + AllocationProbe.BATCH
            + " calls of the first layer's kernel alone, float in and out");
  }

  /**
   * Runs {@link AllocationProbe} for {@code precision} in a new JVM and returns its result line.
   */
  private String runProbe(Precision precision) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(ChildJvm.inheritedOptions());
    command.add(
        "-D" + Rows.PROPERTY + "=2"); // the batch's largest layer splits: see AllocationProbe.BATCH
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(AllocationProbe.class.getName());
    command.add(precision.name());
    command.add(dir.toString());
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output;
    try (var in = process.getInputStream()) {
      output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertTrue(process.waitFor(5, TimeUnit.MINUTES), "probe did not finish: " + output);
    assertEquals(0, process.exitValue(), "probe failed:\n" + output);
    return output
        .lines()
        .filter(l -> l.startsWith("allocation "))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no result line in probe output:\n" + output));
  }
}
