package dev.quantgen.processor;

import static com.google.testing.compile.Compiler.javac;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.tools.JavaFileObject;

/** Test helpers: inline sources, a compile with both processors, a class loader over the output. */
final class Compilations {
  private Compilations() {}

  /** A source file {@code test.<name>} from lines (a package declaration is added). */
  static JavaFileObject source(String name, String... lines) {
    return JavaFileObjects.forSourceLines(
        "test." + name, prepend("package test;", "import dev.quantgen.annotations.*;", lines));
  }

  private static String[] prepend(String a, String b, String[] rest) {
    String[] all = new String[rest.length + 2];
    all[0] = a;
    all[1] = b;
    System.arraycopy(rest, 0, all, 2, rest.length);
    return all;
  }

  /**
   * Compiles with both processors and {@code -Xlint:all}, for Java 17 (the product's target, and
   * class files ASM reads on any JDK).
   */
  static Compilation compile(JavaFileObject... sources) {
    return javac()
        .withProcessors(new LayerProcessor(), new ModelProcessor())
        .withOptions("-Xlint:all", "--release", "17")
        .compile(sources);
  }

  /**
   * {@link #compile} with {@code -Aquantgen.fakeQuant=true}: the fake-quantization operators too.
   */
  static Compilation compileWithFakeQuant(JavaFileObject... sources) {
    return javac()
        .withProcessors(new LayerProcessor(), new ModelProcessor())
        .withOptions(
            "-Xlint:all", "--release", "17", "-A" + LayerProcessor.FAKE_QUANT_OPTION + "=true")
        .compile(sources);
  }

  static Compilation compile(List<JavaFileObject> sources) {
    return compile(sources.toArray(new JavaFileObject[0]));
  }

  /** A class loader over the generated and compiled classes, delegating to the test's loader. */
  static ClassLoader loader(Compilation compilation) {
    Map<String, byte[]> classes = new HashMap<>();
    for (JavaFileObject f : compilation.generatedFiles()) {
      if (f.getKind() == JavaFileObject.Kind.CLASS) {
        String path = f.toUri().getPath();
        String name =
            path.substring(path.indexOf("/test/") + 1, path.length() - ".class".length())
                .replace('/', '.');
        try (InputStream in = f.openInputStream()) {
          classes.put(name, in.readAllBytes());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    return new ClassLoader(Compilations.class.getClassLoader()) {
      @Override
      protected Class<?> findClass(String name) throws ClassNotFoundException {
        byte[] b = classes.get(name);
        if (b == null) {
          throw new ClassNotFoundException(name);
        }
        return defineClass(name, b, 0, b.length);
      }
    };
  }

  /**
   * Runs javac with both processors even when it fails (compile-testing hides generated files of a
   * failed compilation) and returns the names of the generated source files.
   */
  static java.util.Set<String> generatedSourcesDespiteErrors(JavaFileObject... sources) {
    try {
      java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("quantgen-gen");
      javax.tools.JavaCompiler compiler = javax.tools.ToolProvider.getSystemJavaCompiler();
      java.io.StringWriter ignored = new java.io.StringWriter();
      javax.tools.JavaCompiler.CompilationTask task =
          compiler.getTask(
              ignored,
              null,
              d -> {},
              List.of(
                  "-proc:only", "-s", dir.toString(), "-cp", System.getProperty("java.class.path")),
              null,
              List.of(sources));
      task.setProcessors(List.of(new LayerProcessor(), new ModelProcessor()));
      task.call();
      try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.walk(dir)) {
        return files
            .filter(java.nio.file.Files::isRegularFile)
            .map(p -> dir.relativize(p).toString().replace(java.io.File.separatorChar, '.'))
            .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The bytes of every generated class file, by path. */
  static Map<String, byte[]> classFiles(Compilation compilation) {
    Map<String, byte[]> classes = new HashMap<>();
    for (JavaFileObject f : compilation.generatedFiles()) {
      if (f.getKind() == JavaFileObject.Kind.CLASS) {
        try (InputStream in = f.openInputStream()) {
          classes.put(f.toUri().getPath(), in.readAllBytes());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    return classes;
  }
}
