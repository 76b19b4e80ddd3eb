package dev.quantgen.cli.onnx;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Compiles generated sources in this JVM with the system Java compiler, the quantgen processor on
 * the processor path, so the kernels and the model class are generated exactly as in a user's
 * build.
 */
public final class InProcessCompiler {
  private InProcessCompiler() {}

  /**
   * Compiles {@code sources} into {@code classes}.
   *
   * @throws GeneratedModelException with javac's errors if compilation fails, or if this Java
   *     runtime has no compiler (a JRE)
   */
  public static void compile(List<Path> sources, Path classes) throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    if (javac == null) {
      throw new GeneratedModelException(
          "this Java runtime ("
              + System.getProperty("java.home")
              + ") has no compiler, expected a JDK: eval compiles the generated sources in-process");
    }
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    try (StandardJavaFileManager files =
        javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
      List<String> options =
          List.of(
              "-d",
              classes.toString(),
              "-classpath",
              join(ProcessorPath.classPath()),
              "-processorpath",
              join(ProcessorPath.processorPath()),
              "-encoding",
              "UTF-8",
              "-Xlint:none");
      boolean ok =
          javac
              .getTask(
                  null,
                  files,
                  diagnostics,
                  options,
                  null,
                  files.getJavaFileObjectsFromPaths(sources))
              .call();
      if (!ok) {
        throw new GeneratedModelException(
            "the generated sources did not compile:\n"
                + diagnostics.getDiagnostics().stream()
                    .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                    .map(d -> d.toString())
                    .collect(Collectors.joining("\n")));
      }
    }
  }

  private static String join(List<Path> paths) {
    return paths.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
  }
}
