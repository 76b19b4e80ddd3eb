package dev.quantgen.maven;

import dev.quantgen.onnx.JavaNames;
import java.nio.file.Path;

/**
 * The {@code @Model} interface's name for an ONNX file, exactly as {@code quantgen import} derives
 * it.
 */
final class ModelNames {
  private ModelNames() {}

  /** {@link JavaNames#modelNameForFile}: {@code mnist-8.onnx} gives {@code Mnist8}. */
  static String of(Path onnxFile) {
    return JavaNames.modelNameForFile(onnxFile.getFileName().toString());
  }

  /**
   * True for a name {@link JavaNames#typeNameProblem} accepts ({@code Mnist8}, not {@code a.B},
   * {@code int} or {@code Math}).
   */
  static boolean isClassName(String name) {
    return name != null && JavaNames.typeNameProblem(name).isEmpty();
  }
}
