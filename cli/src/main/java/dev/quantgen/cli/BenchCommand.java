package dev.quantgen.cli;

import com.google.gson.JsonObject;
import dev.quantgen.cli.bench.BenchReport;
import dev.quantgen.cli.bench.BenchTable;
import dev.quantgen.cli.bench.JmhRun;
import dev.quantgen.cli.bench.JmhRun.Result;
import dev.quantgen.cli.bench.Measurement;
import dev.quantgen.runtime.io.AtomicFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code quantgen bench}: a short run of the JMH suite (one fork per benchmark, few short
 * iterations) and one ratio table, every ratio from this run. The full suite is the {@code
 * benchmarks} module's JMH defaults ({@code --full}).
 *
 * <p>JMH runs in its own process from the {@code benchmarks} module's self-contained jar ({@code
 * benchmarks/target/benchmarks.jar}, JMH's usual uber-jar), so the command line's own jar carries
 * neither JMH nor Lucene nor the benchmark classes. The {@code quantgen} launcher builds that jar
 * and passes its path as {@code -Dquantgen.benchmarksJar}; {@code --benchmarks-jar} overrides it.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description =
        "Runs a short benchmark suite (a few minutes) and prints each kernel's speed against the best "
            + "FP32 kernel, the generic loop and ONNX Runtime, with G MAC/s and the roofline fraction.")
final class BenchCommand implements Callable<Integer> {
  @Option(
      names = "--full",
      description =
          "Use the suite's full iteration counts (5 x 1 s warm-up, 5 x 1 s"
              + " measurement), batches 32 and 64 and INT4 end to end: about 25 minutes on an idle 2-core machine.")
  private boolean full;

  @Option(
      names = "--benchmarks-jar",
      paramLabel = "JAR",
      description =
          "The benchmarks module's JMH jar (mvn -pl benchmarks -am package builds it); default: "
              + "-Dquantgen.benchmarksJar, else benchmarks/target/benchmarks.jar beside this jar's module.")
  private Path benchmarksJar;

  @Option(
      names = "--json",
      paramLabel = "FILE",
      description =
          "Also write the run as JSON: the machine (CPU model, vector flags, JDK, threads), the peaks and"
              + " bandwidth measured, every measurement with its G MAC/s, and the table.")
  private Path json;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description = "Cores the kernels and ONNX Runtime use; default: all available.")
  private Integer threads;

  @Override
  public Integer call() throws Exception {
    int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
    if (n < 1) {
      System.err.println("bench: --threads is " + n + ", expected >= 1");
      return picocli.CommandLine.ExitCode.USAGE;
    }
    Path jar = benchmarksJar != null ? benchmarksJar : JmhRun.defaultJar(BenchCommand.class);
    if (!Files.isRegularFile(jar)) {
      System.err.println(
          "bench: "
              + jar
              + ": no such file, expected the benchmarks module's JMH jar; build it with"
              + " mvn -B -pl benchmarks -am package (./quantgen does), or pass --benchmarks-jar");
      return picocli.CommandLine.ExitCode.USAGE;
    }
    this.jmh = new JmhRun(jar);
    double bandwidth =
        MEMORY_BYTES
            / (micros(run(n, "MemoryBandwidthBenchmark", new String[0]).iterator().next()) * 1e-6);
    BenchTable.Peaks peaks = peaks();
    List<Measurement> all = new ArrayList<>();
    List<Result> dense = new ArrayList<>(run(n, "DenseBenchmark", new String[] {"batch", "1"}));
    if (full) {
      // batches of the 8192 x 4096 layer only for the generated kernels: the generic loops take
      // seconds per batch there, which alone would double the suite's time
      dense.addAll(run(n, "DenseBenchmark", new String[] {"batch", "32,64", "shape", "1024x1024"}));
      dense.addAll(
          run(
              n,
              "DenseBenchmark",
              new String[] {"batch", "32,64", "shape", "8192x4096", "kernel", "generated"}));
    }
    for (Result r : dense) {
      all.add(measurement(r, r.param("kernel"), r.param("precision")));
    }
    for (Result r :
        run(n, "OnnxRuntimeBenchmark", new String[] {"batch", full ? "1,32,64" : "1"})) {
      all.add(measurement(r, "onnxruntime", r.param("precision")));
    }
    for (Result r : run(n, "LuceneBenchmark", new String[0])) {
      all.add(measurement(r, "lucene-1t", "INT8"));
    }
    for (Result r :
        run(
            n,
            "MlpBenchmark",
            new String[] {
              "precision",
              full ? "FP32,FP16,INT8,INT4,BINARY" : "FP32,INT8",
              "batch",
              "1,64",
              "path",
              "samples,batched"
            })) {
      // one "row" of all the MLP's weights: 784*256 + 256*128 + 128*10 multiply-adds per sample
      String kernel = r.param("path").equals("batched") ? "mlp-batch" : "mlp-gen";
      all.add(
          new Measurement(
              kernel,
              r.param("precision"),
              1,
              MLP_MACS,
              Integer.parseInt(r.param("batch")),
              micros(r)));
    }
    for (Result r : run(n, "OnnxMlpBenchmark", new String[0])) {
      all.add(
          new Measurement(
              "onnxruntime",
              r.param("precision"),
              1,
              MLP_MACS,
              Integer.parseInt(r.param("batch")),
              micros(r)));
    }
    for (Result r : run(n, "ConvBenchmark", new String[0])) {
      String layer = r.param("layer");
      String kernel = r.param("kernel").equals("generated") ? "conv-gen" : "conv-generic";
      all.add(
          new Measurement(kernel, r.param("precision"), 1, (int) convMacs(layer), 1, micros(r)));
    }
    for (Result r : run(n, "CnnBenchmark", new String[0])) {
      all.add(
          new Measurement(
              "cnn-gen",
              r.param("precision"),
              1,
              CNN_MACS,
              Integer.parseInt(r.param("batch")),
              micros(r)));
    }
    for (Result r : run(n, "OnnxCnnBenchmark", new String[0])) {
      all.add(
          new Measurement(
              "onnxruntime",
              r.param("precision"),
              1,
              CNN_MACS,
              Integer.parseInt(r.param("batch")),
              micros(r)));
    }
    System.out.println();
    System.out.println(
        "quantgen bench ("
            + (full ? "full" : "short")
            + ", JDK "
            + Runtime.version()
            + ", "
            + n
            + " threads, kernels: vector path forced in forks)");
    List<String> table = new BenchTable(all, bandwidth, n, peaks).lines();
    table.forEach(System.out::println);
    if (json != null) {
      JsonObject report =
          BenchReport.of(
              full ? "full" : "short", n, peaks, bandwidth, all, table, BenchReport.cpuinfo());
      byte[] bytes = JsonOutput.GSON.toJson(report).getBytes(StandardCharsets.UTF_8);
      AtomicFiles.write(json, out -> out.write(bytes)); // never a half-written file
      System.out.println("json: " + json);
    }
    System.out.println(
        "mlp-gen rows: the 784-256-128-10 MLP end to end on generated kernels, forward per sample;"
            + " mlp-batch: forwardBatch (integer layers: one matrix product per layer for the batch); 1 x MACs per sample;"
            + " their onnxruntime rows: the same weights exported as the float graph, or as static QDQ (per-channel int8"
            + " weights, uint8 activations calibrated on the 64 benchmark inputs) for INT8 and INT4");
    System.out.println(
        "conv rows: 1 x MACs of one sample: "
            + convMacs("conv2")
            + " = the CNN's conv2 (16->32 3x3"
            + " same on 14x14), "
            + convMacs("conv3x3")
            + " = 64->64 3x3 on 28x28; cnn-gen: the Fashion CNN end to end"
            + " (1 x "
            + CNN_MACS
            + " MACs per sample), its onnxruntime rows the same graph (float, or QDQ for INT8)");
    return 0;
  }

  private static final double MEMORY_BYTES = 256.0 * (1 << 20);
  private static final int MLP_MACS = 784 * 256 + 256 * 128 + 128 * 10;

  /**
   * The Fashion CNN per sample: conv1 16x28x28x9, conv2 32x14x14x16x9, fc1 1568x128, fc2 128x10.
   */
  private static final int CNN_MACS =
      16 * 28 * 28 * 9 + 32 * 14 * 14 * 16 * 9 + 1568 * 128 + 128 * 10;

  private static long convMacs(String layer) {
    return layer.equals("conv2") ? 32L * 14 * 14 * 16 * 9 : 64L * 28 * 28 * 64 * 9;
  }

  /** One core's multiply-add peaks, measured now by the roofline probes (never hard-coded). */
  private BenchTable.Peaks peaks() throws Exception {
    double fp32 = 0;
    double int8 = 0;
    double binary = 0;
    for (Result r : run(1, "RooflineBenchmark", new String[0])) {
      String probe = r.param("probe");
      double gmacs = rooflineMacs(probe) / (micros(r) * 1e3);
      switch (probe) {
        case "fma":
          fp32 = gmacs;
          break;
        case "int8":
          int8 = gmacs;
          break;
        default:
          binary = gmacs;
      }
    }
    return new BenchTable.Peaks(fp32, int8, binary);
  }

  /**
   * Multiply-adds of one call of a {@code RooflineBenchmark} probe: {@code fma}, 12 chains x 16 x
   * 8,192 lane multiply-adds at any vector width; {@code int8}, four rows of 1,024 inputs, 64
   * passes; {@code binary}, the same with 64 binary multiply-adds per word. The cli does not link
   * the benchmarks jar (it runs it in a child process), so these mirror {@code
   * RooflineBenchmark.macs} and {@code FmaProbe.MACS}; change them together.
   */
  static long rooflineMacs(String probe) {
    long calls = 64L * 4 * 1024;
    switch (probe) {
      case "fma":
        return 12L * 16 * 8192;
      case "binary":
        return calls * 64;
      default:
        return calls;
    }
  }

  private JmhRun jmh;

  private List<Result> run(int n, String benchmark, String[] params) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "dev\\.quantgen\\.benchmarks\\." + benchmark + "\\.",
                "-f",
                "1",
                "-jvmArgsAppend",
                "--add-modules=jdk.incubator.vector -XX:MaxInlineLevel=30 -Dquantgen.threads="
                    + n
                    + " -Dquantgen.kernels=vector -Xmx3g"));
    if (!full) {
      // Vector API code is slow until C2 compiles it, and on a busy machine that takes seconds
      args.addAll(List.of("-wi", "5", "-w", "1s", "-i", "3", "-r", "500ms"));
    }
    for (int i = 0; i < params.length; i += 2) {
      args.addAll(List.of("-p", params[i] + "=" + params[i + 1]));
    }
    return jmh.run(args);
  }

  private static double micros(Result r) {
    return r.score();
  }

  private static Measurement measurement(Result r, String kernel, String precision) {
    String shape = r.param("shape");
    int in = Integer.parseInt(shape.substring(0, shape.indexOf('x')));
    int out = Integer.parseInt(shape.substring(shape.indexOf('x') + 1));
    String batch = r.param("batch");
    return new Measurement(
        kernel, precision, in, out, batch == null ? 1 : Integer.parseInt(batch), micros(r));
  }
}
