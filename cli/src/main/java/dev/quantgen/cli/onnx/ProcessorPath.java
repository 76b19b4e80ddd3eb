package dev.quantgen.cli.onnx;

import com.palantir.javapoet.JavaFile;
import dev.quantgen.annotations.Model;
import dev.quantgen.processor.ModelProcessor;
import dev.quantgen.runtime.numerics.FloatTensor;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Where the running command line found the quantgen processor, JavaPoet, the annotations and the
 * runtime: the jars or class folders the generated sources need on javac's processor path and class
 * path. In the shaded {@code quantgen.jar} they are all that one jar; in a Maven build they are the
 * modules' {@code target/classes} or their jars.
 */
final class ProcessorPath {
  private ProcessorPath() {}

  /** The processor with what it runs on: processor, JavaPoet, annotations, runtime. */
  static List<Path> processorPath() {
    return locations(ModelProcessor.class, JavaFile.class, Model.class, FloatTensor.class);
  }

  /** What generated sources compile against: annotations and runtime. */
  static List<Path> classPath() {
    return locations(Model.class, FloatTensor.class);
  }

  private static List<Path> locations(Class<?>... classes) {
    Set<Path> paths = new LinkedHashSet<>();
    for (Class<?> c : classes) {
      paths.add(location(c));
    }
    return List.copyOf(paths);
  }

  private static Path location(Class<?> c) {
    CodeSource source = c.getProtectionDomain().getCodeSource();
    if (source == null || source.getLocation() == null) {
      throw new IllegalStateException(
          c.getName() + " has no code source: cannot find its jar for javac");
    }
    try {
      return Path.of(source.getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(
          c.getName() + ": code source " + source.getLocation() + " is not a file", e);
    }
  }
}
