package dev.quantgen.cli;

import dev.quantgen.cli.demo.Demo;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code quantgen demo}: quantizes the embedded Fashion-MNIST MLP at FP32, FP16, INT8, INT4 and
 * BINARY and prints size, accuracy and throughput side by side, then INT8's per-layer error. Needs
 * no download; uses the full dataset when {@code dataset-fashion-mnist} is installed.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description =
        "Quantizes the embedded Fashion-MNIST MLP at every precision and prints size, accuracy and "
            + "throughput side by side.")
final class DemoCommand implements Callable<Integer> {
  @Option(
      names = "--rounds",
      defaultValue = "5",
      paramLabel = "N",
      description = "Throughput rounds (the median is shown); default ${DEFAULT-VALUE}.")
  private int rounds;

  @Option(
      names = "--embedded",
      description =
          "Use only the embedded 2,000 test images, even if the full dataset " + "is installed.")
  private boolean embedded;

  @Override
  public Integer call() throws Exception {
    if (rounds < 1) {
      System.err.println("demo: --rounds is " + rounds + ", expected >= 1");
      return picocli.CommandLine.ExitCode.USAGE;
    }
    PrintStream out = System.out;
    new Demo(out, System.err, rounds, embedded).run();
    return 0;
  }
}
