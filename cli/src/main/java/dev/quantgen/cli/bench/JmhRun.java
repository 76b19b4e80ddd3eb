package dev.quantgen.cli.bench;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs JMH in a child process from the benchmarks module's self-contained jar and reads its JSON
 * results: the command line needs neither JMH nor the benchmarks on its own class path. The child
 * prints JMH's usual progress to this process's console.
 */
public final class JmhRun {
  /** The system property the {@code quantgen} launcher sets to the benchmarks jar. */
  public static final String JAR_PROPERTY = "quantgen.benchmarksJar";

  private final Path jar;

  /** A runner of the JMH jar {@code jar}. */
  public JmhRun(Path jar) {
    this.jar = jar;
  }

  /**
   * The benchmarks jar: {@code -Dquantgen.benchmarksJar} when set, else {@code
   * benchmarks/target/benchmarks.jar} of the checkout {@code anchor}'s classes were built in.
   */
  public static Path defaultJar(Class<?> anchor) {
    String property = System.getProperty(JAR_PROPERTY);
    if (property != null) {
      return Path.of(property);
    }
    try {
      // cli/target/quantgen.jar or cli/target/classes -> the checkout's root
      Path built =
          Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI())
              .toAbsolutePath();
      Path root = built.getParent().getParent().getParent();
      return root.resolve("benchmarks").resolve("target").resolve("benchmarks.jar");
    } catch (URISyntaxException | RuntimeException e) {
      return Path.of("benchmarks", "target", "benchmarks.jar");
    }
  }

  /** One benchmark's result: its name, parameters and primary score (in the benchmark's unit). */
  public record Result(String benchmark, Map<String, String> params, double score) {
    /** The value of parameter {@code name}, or null when the benchmark has none of that name. */
    public String param(String name) {
      return params.get(name);
    }
  }

  /**
   * Runs {@code java -jar <jar> <jmhArgs> -rf json -rff <temp>} with this JVM's {@code java} and
   * returns the results in JMH's order.
   *
   * @throws IOException if the child cannot start, fails, or writes no results
   */
  public List<Result> run(List<String> jmhArgs) throws IOException, InterruptedException {
    Path json = Files.createTempFile("quantgen-jmh", ".json");
    try {
      List<String> command =
          new ArrayList<>(
              List.of(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-jar",
                  jar.toString()));
      command.addAll(jmhArgs);
      command.addAll(List.of("-rf", "json", "-rff", json.toString()));
      int exit = new ProcessBuilder(command).inheritIO().start().waitFor();
      if (exit != 0) {
        throw new IOException(
            "JMH (" + jar + ") exited with status " + exit + " for " + String.join(" ", jmhArgs));
      }
      return parse(Files.readString(json, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(json);
    }
  }

  /** The results in JMH's JSON format ({@code -rf json}). */
  static List<Result> parse(String json) throws IOException {
    List<Result> results = new ArrayList<>();
    try {
      for (JsonElement e : JsonParser.parseString(json).getAsJsonArray()) {
        JsonObject o = e.getAsJsonObject();
        Map<String, String> params = new LinkedHashMap<>();
        if (o.has("params")) {
          for (Map.Entry<String, JsonElement> p : o.getAsJsonObject("params").entrySet()) {
            params.put(p.getKey(), p.getValue().getAsString());
          }
        }
        results.add(
            new Result(
                o.get("benchmark").getAsString(),
                Map.copyOf(params),
                o.getAsJsonObject("primaryMetric").get("score").getAsDouble()));
      }
    } catch (RuntimeException e) {
      throw new IOException(
          "JMH results: expected a JSON array of runs with benchmark, params and "
              + "primaryMetric.score, got: "
              + e.getMessage(),
          e);
    }
    if (results.isEmpty()) {
      throw new IOException("JMH results: no benchmark ran");
    }
    return results;
  }
}
