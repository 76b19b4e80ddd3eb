package dev.quantgen.cli;

import dev.quantgen.benchmarks.RooflineBenchmark;
import dev.quantgen.cli.bench.BenchTable;
import dev.quantgen.cli.bench.Measurement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Callable;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code quantgen bench}: a short run of the JMH suite (one fork per benchmark, few short
 * iterations) and one ratio table, every ratio from this run. The full suite is the {@code
 * benchmarks} module's JMH defaults ({@code --full}).
 */
@Command(name = "bench", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "Runs a short benchmark suite (a few minutes) and prints each kernel's speed against the best "
        + "FP32 kernel, the generic loop and ONNX Runtime, with G MAC/s and the roofline fraction.")
final class BenchCommand implements Callable<Integer> {
  @Option(names = "--full", description = "Use the suite's full iteration counts (5 x 1 s warm-up, 5 x 1 s"
      + " measurement), batches 32 and 64 and INT4 end to end: about 25 minutes on an idle 2-core machine.")
  private boolean full;

  @Option(names = "--threads", paramLabel = "N",
      description = "Cores the kernels and ONNX Runtime use; default: all available.")
  private Integer threads;

  @Override
  public Integer call() throws Exception {
    int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
    if (n < 1) {
      System.err.println("bench: --threads is " + n + ", expected >= 1");
      return picocli.CommandLine.ExitCode.USAGE;
    }
    double bandwidth = MEMORY_BYTES / (micros(run(n, "MemoryBandwidthBenchmark", new String[0])
        .iterator().next()) * 1e-6);
    BenchTable.Peaks peaks = peaks();
    List<Measurement> all = new ArrayList<>();
    List<RunResult> dense = new ArrayList<>(run(n, "DenseBenchmark", new String[] {"batch", "1"}));
    if (full) {
      // batches of the 8192 x 4096 layer only for the generated kernels: the generic loops take
      // seconds per batch there, which alone would double the suite's time
      dense.addAll(run(n, "DenseBenchmark", new String[] {"batch", "32,64", "shape", "1024x1024"}));
      dense.addAll(run(n, "DenseBenchmark", new String[] {"batch", "32,64", "shape", "8192x4096", "kernel",
          "generated"}));
    }
    for (RunResult r : dense) {
      all.add(measurement(r, r.getParams().getParam("kernel"), r.getParams().getParam("precision")));
    }
    for (RunResult r : run(n, "OnnxRuntimeBenchmark", new String[] {"batch", full ? "1,32,64" : "1"})) {
      all.add(measurement(r, "onnxruntime", r.getParams().getParam("precision")));
    }
    for (RunResult r : run(n, "LuceneBenchmark", new String[0])) {
      all.add(measurement(r, "lucene-1t", "INT8"));
    }
    for (RunResult r : run(n, "MlpBenchmark", new String[] {"precision", full ? "FP32,INT8,INT4" : "FP32,INT8",
        "batch", "1,64", "path", "samples,batched"})) {
      // one "row" of all the MLP's weights: 784*256 + 256*128 + 128*10 multiply-adds per sample
      String kernel = r.getParams().getParam("path").equals("batched") ? "mlp-batch" : "mlp-gen";
      all.add(new Measurement(kernel, r.getParams().getParam("precision"), 1, MLP_MACS,
          Integer.parseInt(r.getParams().getParam("batch")), micros(r)));
    }
    for (RunResult r : run(n, "ConvBenchmark", new String[0])) {
      String layer = r.getParams().getParam("layer");
      String kernel = r.getParams().getParam("kernel").equals("generated") ? "conv-gen" : "conv-generic";
      all.add(new Measurement(kernel, r.getParams().getParam("precision"), 1, (int) convMacs(layer), 1, micros(r)));
    }
    for (RunResult r : run(n, "CnnBenchmark", new String[0])) {
      all.add(new Measurement("cnn-gen", r.getParams().getParam("precision"), 1, CNN_MACS,
          Integer.parseInt(r.getParams().getParam("batch")), micros(r)));
    }
    for (RunResult r : run(n, "OnnxCnnBenchmark", new String[0])) {
      all.add(new Measurement("onnxruntime", r.getParams().getParam("precision"), 1, CNN_MACS,
          Integer.parseInt(r.getParams().getParam("batch")), micros(r)));
    }
    System.out.println();
    System.out.println("quantgen bench (" + (full ? "full" : "short") + ", JDK " + Runtime.version() + ", "
        + n + " threads, kernels: vector path forced in forks)");
    new BenchTable(all, bandwidth, n, peaks).lines().forEach(System.out::println);
    System.out.println("mlp-gen rows: the 784-256-128-10 MLP end to end on generated kernels, forward per sample;"
        + " mlp-batch: forwardBatch (INT8: one matrix product per layer for the batch); 1 x MACs per sample");
    System.out.println("conv rows: 1 x MACs of one sample: " + convMacs("conv2") + " = the CNN's conv2 (16->32 3x3"
        + " same on 14x14), " + convMacs("conv3x3") + " = 64->64 3x3 on 28x28; cnn-gen: the Fashion CNN end to end"
        + " (1 x " + CNN_MACS + " MACs per sample), its onnxruntime rows the same graph (float, or QDQ for INT8)");
    return 0;
  }

  private static final double MEMORY_BYTES = 256.0 * (1 << 20);
  private static final int MLP_MACS = 784 * 256 + 256 * 128 + 128 * 10;
  /** The Fashion CNN per sample: conv1 16x28x28x9, conv2 32x14x14x16x9, fc1 1568x128, fc2 128x10. */
  private static final int CNN_MACS = 16 * 28 * 28 * 9 + 32 * 14 * 14 * 16 * 9 + 1568 * 128 + 128 * 10;

  private static long convMacs(String layer) {
    return layer.equals("conv2") ? 32L * 14 * 14 * 16 * 9 : 64L * 28 * 28 * 64 * 9;
  }

  /** One core's multiply-add peaks, measured now by the roofline probes (never hard-coded). */
  private BenchTable.Peaks peaks() throws Exception {
    double fp32 = 0;
    double int8 = 0;
    double binary = 0;
    for (RunResult r : run(1, "RooflineBenchmark", new String[0])) {
      String probe = r.getParams().getParam("probe");
      double gmacs = RooflineBenchmark.macs(probe) / (micros(r) * 1e3);
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

  private Collection<RunResult> run(int n, String benchmark, String[] params) throws Exception {
    ChainedOptionsBuilder o = new OptionsBuilder()
        .include("dev\\.quantgen\\.benchmarks\\." + benchmark + "\\.")
        .forks(1)
        .jvmArgsAppend("--add-modules=jdk.incubator.vector", "-Dquantgen.threads=" + n, "-Dquantgen.kernels=vector",
            "-Xmx3g");
    if (!full) {
      // Vector API code is slow until C2 compiles it, and on a busy machine that takes seconds
      o.warmupIterations(5).warmupTime(TimeValue.seconds(1))
          .measurementIterations(3).measurementTime(TimeValue.milliseconds(500));
    }
    for (int i = 0; i < params.length; i += 2) {
      o.param(params[i], params[i + 1].split(","));
    }
    return new Runner(o.build()).run();
  }

  private static double micros(RunResult r) {
    return r.getPrimaryResult().getScore();
  }

  private static Measurement measurement(RunResult r, String kernel, String precision) {
    String shape = r.getParams().getParam("shape");
    int in = Integer.parseInt(shape.substring(0, shape.indexOf('x')));
    int out = Integer.parseInt(shape.substring(shape.indexOf('x') + 1));
    String batch = r.getParams().getParam("batch");
    return new Measurement(kernel, precision, in, out, batch == null ? 1 : Integer.parseInt(batch), micros(r));
  }
}
