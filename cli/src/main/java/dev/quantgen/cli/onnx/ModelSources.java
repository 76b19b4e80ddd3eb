package dev.quantgen.cli.onnx;

import com.palantir.javapoet.JavaFile;
import dev.quantgen.onnx.JavaNames;
import dev.quantgen.onnx.LoweredModel;
import dev.quantgen.onnx.SourceGenerator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Writes the annotated sources of a lowered ONNX model (layers, {@code @Model} interface, weight
 * binding) into a source root, in the folders of their package, the way {@code javac} and a user's
 * build expect them.
 */
public final class ModelSources {
  private ModelSources() {}

  /** The model interface's name for an ONNX file: {@link JavaNames#modelNameForFile}. */
  public static String modelName(Path onnxFile) {
    return JavaNames.modelNameForFile(onnxFile.getFileName().toString());
  }

  /**
   * Writes the sources of {@code model} in {@code packageName}, every {@code @Quantize} at {@code
   * precision} (a {@code Precision} constant name), under {@code sourceRoot}.
   *
   * @return the files written, in generation order (layers, model, weight binding)
   * @throws IllegalArgumentException if the package or model name cannot hold generated sources
   *     ({@link JavaNames#packageNameProblem}, {@link JavaNames#typeNameProblem}), or the precision
   *     is unknown
   */
  public static List<Path> write(
      LoweredModel model, String packageName, String modelName, String precision, Path sourceRoot)
      throws IOException {
    JavaNames.packageNameProblem(packageName)
        .ifPresent(
            problem -> {
              throw new IllegalArgumentException("--package " + packageName + ": " + problem);
            });
    JavaNames.typeNameProblem(modelName)
        .ifPresent(
            problem -> {
              throw new IllegalArgumentException("--name " + modelName + ": " + problem);
            });
    List<JavaFile> files = SourceGenerator.generate(model, packageName, modelName, precision);
    // Distinct by construction (JavaNames.typeNames); checked again because a repeat would
    // overwrite.
    Set<String> names = new HashSet<>();
    for (JavaFile file : files) {
      if (!names.add(file.typeSpec().name().toLowerCase(Locale.ROOT))) {
        throw new IllegalStateException(
            "two generated types named " + file.typeSpec().name() + " (ignoring case)");
      }
    }
    List<Path> written = new ArrayList<>();
    for (JavaFile file : files) {
      written.add(file.writeToPath(sourceRoot));
    }
    return written;
  }
}
