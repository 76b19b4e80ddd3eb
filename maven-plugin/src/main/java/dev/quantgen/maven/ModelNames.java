package dev.quantgen.maven;

import java.nio.file.Path;
import java.util.Locale;
import javax.lang.model.SourceVersion;

/** The {@code @Model} interface's name for an ONNX file, as {@code quantgen import} derives it. */
final class ModelNames {
  private ModelNames() {}

  /**
   * The file name without extension, cut at every character that cannot be in a Java name and each
   * part capitalized ({@code mnist-8.onnx} gives {@code Mnist8}); prefixed with {@code Model} if it
   * would start with a digit or be empty.
   */
  static String of(Path onnxFile) {
    String stem = onnxFile.getFileName().toString().replaceFirst("\\.[^.]*$", "");
    StringBuilder name = new StringBuilder();
    for (String part : stem.split("[^A-Za-z0-9]+")) {
      if (!part.isEmpty()) {
        name.append(part.substring(0, 1).toUpperCase(Locale.ROOT)).append(part.substring(1));
      }
    }
    if (name.length() == 0 || Character.isDigit(name.charAt(0))) {
      name.insert(0, "Model");
    }
    return name.toString();
  }

  /** True for a simple Java class name that is not a keyword ({@code Mnist8}, not {@code a.B} or {@code int}). */
  static boolean isClassName(String name) {
    return name != null && SourceVersion.isIdentifier(name) && !SourceVersion.isKeyword(name);
  }
}
