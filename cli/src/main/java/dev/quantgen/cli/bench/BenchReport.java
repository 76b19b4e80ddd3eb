package dev.quantgen.cli.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * One bench run as JSON ({@code quantgen bench --json FILE}): the machine it ran on (CPU model and
 * vector flags, JDK, threads), the peaks and memory bandwidth measured in the same run, every
 * measurement with its G MAC/s, and the printed table, so results from machines of different kinds
 * can be compared by a script without parsing text.
 */
public final class BenchReport {
  /** The vector-relevant CPU flags reported, when the CPU has them. */
  static final List<String> VECTOR_FLAGS =
      List.of(
          "avx2",
          "fma",
          "avx512f",
          "avx512bw",
          "avx512vl",
          "avx512_vnni",
          "avx_vnni",
          "avx512_bf16");

  private BenchReport() {}

  /**
   * The report of one run: {@code table} is {@link BenchTable#lines()} of the same measurements.
   */
  public static JsonObject of(
      String mode,
      int threads,
      BenchTable.Peaks peaks,
      double bytesPerSecond,
      List<Measurement> measurements,
      List<String> table,
      Optional<String> cpuinfo) {
    JsonObject o = new JsonObject();
    o.addProperty("mode", mode);
    JsonObject machine = new JsonObject();
    machine.addProperty("cpu", cpuinfo.flatMap(BenchReport::modelName).orElse("unknown"));
    JsonArray flags = new JsonArray();
    cpuinfo.map(BenchReport::vectorFlags).orElse(new TreeSet<>()).forEach(flags::add);
    machine.add("vector_flags", flags);
    machine.addProperty("jdk", Runtime.version().toString());
    machine.addProperty("threads", threads);
    o.add("machine", machine);
    JsonObject measured = new JsonObject();
    measured.addProperty("fp32_gmacs_per_core", peaks.fp32());
    measured.addProperty("int8_gmacs_per_core", peaks.int8());
    measured.addProperty("binary_gmacs_per_core", peaks.binary());
    measured.addProperty("memory_bytes_per_second", bytesPerSecond);
    o.add("peaks", measured);
    JsonArray rows = new JsonArray();
    for (Measurement m : measurements) {
      JsonObject r = new JsonObject();
      r.addProperty("kernel", m.kernel());
      r.addProperty("precision", m.precision());
      r.addProperty("in", m.in());
      r.addProperty("out", m.out());
      r.addProperty("batch", m.batch());
      r.addProperty("micros", m.micros());
      r.addProperty("gmacs", m.gmacs());
      rows.add(r);
    }
    o.add("measurements", rows);
    JsonArray lines = new JsonArray();
    table.forEach(lines::add);
    o.add("table", lines);
    return o;
  }

  /** {@code /proc/cpuinfo} where it exists (Linux), else empty. */
  public static Optional<String> cpuinfo() {
    try {
      Path p = Path.of("/proc/cpuinfo");
      return Files.isReadable(p) ? Optional.of(Files.readString(p)) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  static Optional<String> modelName(String cpuinfo) {
    return field(cpuinfo, "model name");
  }

  static Set<String> vectorFlags(String cpuinfo) {
    Set<String> present = new TreeSet<>(List.of(field(cpuinfo, "flags").orElse("").split("\\s+")));
    Set<String> flags = new TreeSet<>();
    for (String f : VECTOR_FLAGS) {
      if (present.contains(f)) {
        flags.add(f);
      }
    }
    return flags;
  }

  private static Optional<String> field(String cpuinfo, String name) {
    for (String line : cpuinfo.split("\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(name)) {
        return Optional.of(line.substring(colon + 1).trim());
      }
    }
    return Optional.empty();
  }
}
