package dev.quantgen.maven;

import dev.quantgen.onnx.JavaNames;
import dev.quantgen.onnx.SourceGenerator;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What one ONNX import is configured with: the Java package of the sources, the precision of every
 * {@code @Quantize}, and where sources, weights and stamps go. Checked when built, so a bad pom
 * fails before any file is read.
 *
 * @param packageName the package of the generated sources, e.g. {@code com.example.mnist}
 * @param precision a {@code dev.quantgen.annotations.Precision} constant name, upper case
 * @param sourceRoot the folder that becomes a compile source root
 * @param resourceRoot the folder that becomes a resource root (the weights)
 * @param stampDirectory where each model's stamp (hash of its inputs, files written) is kept
 * @param generatorVersion the plugin's version: a new version regenerates everything
 */
public record ImportSettings(String packageName, String precision, Path sourceRoot, Path resourceRoot,
    Path stampDirectory, String generatorVersion) {

  /** @throws IllegalArgumentException naming the setting, its value and what is expected */
  public ImportSettings {
    if (packageName == null) {
      throw new IllegalArgumentException("<packageName> is missing: expected a Java package name such as"
          + " com.example.model");
    }
    JavaNames.packageNameProblem(packageName).ifPresent(problem -> {
      throw new IllegalArgumentException("<packageName>" + packageName + "</packageName>: " + problem);
    });
    String upper = precision == null ? "" : precision.toUpperCase(Locale.ROOT);
    if (!SourceGenerator.PRECISIONS.contains(upper)) {
      throw new IllegalArgumentException("<precision>" + precision + "</precision>: expected one of "
          + SourceGenerator.PRECISIONS);
    }
    precision = upper;
  }

  /**
   * The text every output depends on besides the model's bytes; part of the stamp's hash.
   *
   * @param modelName the model interface's name
   */
  String fingerprint(String modelName) {
    return "package=" + packageName + "\nmodel=" + modelName + "\nprecision=" + precision + "\ngenerator="
        + generatorVersion + "\n";
  }
}
