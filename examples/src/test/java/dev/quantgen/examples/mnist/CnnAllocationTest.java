package dev.quantgen.examples.mnist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The generated CNN's {@code forward(x, y)}, static INT8 and FP32, allocates nothing per call once
 * warm (allowance 0): every layer writes a per-thread buffer, the conv kernels pad and requantize
 * in per-thread scratch. Measured by {@link CnnAllocationProbe} in a child JVM with this JVM's
 * {@code --add-modules} and {@code -Dquantgen.*} options, so the scalar and the Vector API kernels
 * are both covered by the surefire executions.
 */
class CnnAllocationTest {
  private static final Pattern LINE =
      Pattern.compile("cnn-allocation int8=(\\d+) fp32=(\\d+) calls=(\\d+) conv=(\\S+) jdk=(\\S+)");

  @Test
  void aWarmCnnAllocatesNothingPerCallInInt8AndFp32() throws Exception {
    assumeTrue(
        ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean,
        "needs HotSpot's per-thread allocation counter");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(dev.quantgen.examples.ChildJvm.inheritedOptions());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(CnnAllocationProbe.class.getName());
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output;
    try (var in = process.getInputStream()) {
      output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertTrue(process.waitFor(5, TimeUnit.MINUTES), "probe did not finish: " + output);
    assertEquals(0, process.exitValue(), "probe failed:\n" + output);
    String line =
        output
            .lines()
            .filter(l -> l.startsWith("cnn-allocation "))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no result line in probe output:\n" + output));
    System.out.println("[cnn-allocation] " + line);
    Matcher m = LINE.matcher(line);
    assertTrue(m.matches(), "probe output: " + line);
    assertEquals(
        0,
        Long.parseLong(m.group(1)),
        "bytes allocated by "
            + m.group(3)
            + " warm int8 forward(x, y) calls,"
            + " conv rows "
            + m.group(4)
            + ", JDK "
            + m.group(5));
    assertEquals(
        0,
        Long.parseLong(m.group(2)),
        "bytes allocated by "
            + m.group(3)
            + " warm fp32 forward(x, y) calls,"
            + " JDK "
            + m.group(5));
  }
}
