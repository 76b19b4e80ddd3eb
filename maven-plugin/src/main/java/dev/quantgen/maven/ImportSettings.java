package dev.quantgen.maven;

import dev.quantgen.onnx.JavaNames;
import dev.quantgen.onnx.SourceGenerator;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one ONNX import is configured with: the Java package of the sources, the precision of every
 * {@code @Quantize} and the layers that take another one, and where sources, weights and stamps go.
 * Checked when built, so a bad pom fails before any file is read.
 *
 * @param packageName the package of the generated sources, e.g. {@code com.example.mnist}
 * @param precision a {@code dev.quantgen.annotations.Precision} constant name, upper case: every
 *     layer with weights that {@code layerPrecisions} does not name
 * @param layerPrecisions layer class name (as generated, e.g. {@code Times212}) to the precision of
 *     its {@code @Quantize}, upper case, sorted by name; empty when every layer takes {@code
 *     precision}
 * @param sourceRoot the folder that becomes a compile source root
 * @param resourceRoot the folder that becomes a resource root (the weights)
 * @param stampDirectory where each model's stamp (hash of its inputs, files written) is kept
 * @param generatorVersion the plugin's version: a new version regenerates everything
 */
public record ImportSettings(
    String packageName,
    String precision,
    Map<String, String> layerPrecisions,
    Path sourceRoot,
    Path resourceRoot,
    Path stampDirectory,
    String generatorVersion) {

  /**
   * @throws IllegalArgumentException naming the setting, its value and what is expected
   */
  public ImportSettings {
    if (packageName == null) {
      throw new IllegalArgumentException(
          "<packageName> is missing: expected a Java package name such as" + " com.example.model");
    }
    JavaNames.packageNameProblem(packageName)
        .ifPresent(
            problem -> {
              throw new IllegalArgumentException(
                  "<packageName>" + packageName + "</packageName>: " + problem);
            });
    precision = precisionName(precision, "<precision>" + precision + "</precision>");
    Map<String, String> layers = new TreeMap<>();
    if (layerPrecisions != null) {
      for (Map.Entry<String, String> e : layerPrecisions.entrySet()) {
        String element =
            "<layerPrecisions><" + e.getKey() + ">" + e.getValue() + "</" + e.getKey() + ">";
        if (!ModelNames.isClassName(e.getKey())) {
          throw new IllegalArgumentException(
              element
                  + ": \""
                  + e.getKey()
                  + "\" is not a layer class name;"
                  + " expected the name of a generated layer class, such as Times212");
        }
        layers.put(e.getKey(), precisionName(e.getValue(), element));
      }
    }
    layerPrecisions = Collections.unmodifiableMap(layers);
  }

  private static String precisionName(String value, String element) {
    String upper = value == null ? "" : value.trim().toUpperCase(Locale.ROOT);
    if (!SourceGenerator.PRECISIONS.contains(upper)) {
      throw new IllegalArgumentException(
          element + ": expected one of " + SourceGenerator.PRECISIONS);
    }
    return upper;
  }

  /** The precision of the layer class {@code layer}'s {@code @Quantize}. */
  String precisionOf(String layer) {
    return layerPrecisions.getOrDefault(layer, precision);
  }

  /**
   * The text every output depends on besides the model's bytes; part of the stamp's hash.
   *
   * @param modelName the model interface's name
   */
  String fingerprint(String modelName) {
    StringBuilder text =
        new StringBuilder("package=")
            .append(packageName)
            .append("\nmodel=")
            .append(modelName)
            .append("\nprecision=")
            .append(precision)
            .append('\n');
    layerPrecisions.forEach(
        (layer, p) -> text.append("layer=").append(layer).append(':').append(p).append('\n'));
    return text.append("generator=").append(generatorVersion).append('\n').toString();
  }
}
