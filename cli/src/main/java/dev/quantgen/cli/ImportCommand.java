package dev.quantgen.cli;

import dev.quantgen.cli.onnx.ModelSources;
import dev.quantgen.onnx.GraphLowering;
import dev.quantgen.onnx.JavaNames;
import dev.quantgen.onnx.LoweredLayer;
import dev.quantgen.onnx.LoweredModel;
import dev.quantgen.onnx.OnnxModel;
import dev.quantgen.onnx.SourceGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code quantgen import}: reads an ONNX model, lowers it to quantgen layers and writes annotated
 * sources a user commits and edits: one class per layer with its {@code @Quantize}, the
 * {@code @Model} interface, and the weight binding naming each layer's ONNX initializers.
 */
@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description =
        "Writes annotated layer and model sources (one @Quantize per layer) and the weight binding for "
            + "an ONNX model.",
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      "0:the sources were written",
      "1:the model could not be read, or uses an unsupported operator",
      "2:usage error (unknown option, bad value)"
    })
final class ImportCommand implements Callable<Integer> {
  @Spec private CommandSpec spec;

  @Parameters(index = "0", paramLabel = "MODEL.onnx", description = "The ONNX model.")
  private Path model;

  @Option(
      names = "--package",
      required = true,
      paramLabel = "P",
      description =
          "The Java package of the sources (ASCII identifiers, no keywords, not under java., javax. or "
              + "jdk.).")
  private String packageName;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description = "The source root; files go to DIR/<package folders>/.")
  private Path out;

  @Option(
      names = "--precision",
      defaultValue = "int8",
      paramLabel = "int8|fp32",
      description = "The precision of every @Quantize; default ${DEFAULT-VALUE}.")
  private String precision;

  @Option(
      names = "--name",
      paramLabel = "NAME",
      description =
          "The model interface's name; default from the file name (mnist-8.onnx: Mnist8). Layer classes "
              + "named like it or its companions (NAMEWeights, NAME_Model) are renamed.")
  private String name;

  @Override
  public Integer call() throws Exception {
    return Failures.run("import", spec.commandLine().getErr(), this::importModel);
  }

  private int importModel() throws IOException {
    String quantize = precision.toUpperCase(Locale.ROOT);
    if (!List.of("INT8", "FP32").contains(quantize)) {
      throw new UsageProblem("--precision " + precision + ": expected int8 or fp32");
    }
    JavaNames.packageNameProblem(packageName)
        .ifPresent(
            problem -> {
              throw new UsageProblem("--package " + packageName + ": " + problem);
            });
    if (name != null) {
      JavaNames.typeNameProblem(name)
          .ifPresent(
              problem -> {
                throw new UsageProblem("--name " + name + ": " + problem);
              });
    }
    LoweredModel lowered = GraphLowering.lower(OnnxModel.read(model));
    String modelName = name != null ? name : ModelSources.modelName(model);
    List<Path> written = ModelSources.write(lowered, packageName, modelName, quantize, out);
    PrintWriter stdout = spec.commandLine().getOut();
    stdout.printf(
        Locale.ROOT,
        "import: %s -> %d layers, @Quantize(%s), model %s.%s%n",
        model,
        lowered.layers().size(),
        quantize,
        packageName,
        modelName);
    List<String> classes = SourceGenerator.layerClassNames(lowered, modelName);
    for (int k = 0; k < classes.size(); k++) {
      LoweredLayer layer = lowered.layers().get(k);
      String first = layer.sources().isEmpty() ? layer.name() : layer.sources().get(0);
      if (!classes.get(k).equals(JavaNames.typeName(layer.name(), "Layer" + (k + 1), "Layer"))) {
        stdout.printf(
            Locale.ROOT,
            "renamed: layer %d (ONNX node %s) is class %s: its name, ignoring case, is taken "
                + "by another layer, the model or a class derived from them%n",
            k + 1,
            JavaNames.docText(first),
            classes.get(k));
      }
    }
    for (Path file : written) {
      stdout.println("wrote " + file);
    }
    stdout.flush();
    return CommandLine.ExitCode.OK;
  }
}
