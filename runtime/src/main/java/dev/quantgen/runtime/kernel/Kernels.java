package dev.quantgen.runtime.kernel;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Locale;
import java.util.Optional;

/**
 * Chooses the {@link KernelSupport} once per JVM, as Lucene's {@code VectorizationProvider} does:
 * the Vector API implementation when the {@code jdk.incubator.vector} module is in the boot layer
 * (the JVM was started with {@code --add-modules jdk.incubator.vector}) and its vectors are at
 * least 256 bits wide, otherwise the scalar one with a single line on standard error saying what to
 * add. With the vector kernels, a JVM whose inlining depth would box them ({@link InlineDepth})
 * gets one line saying what to add too.
 *
 * <p>The system property {@value #PROPERTY} forces a path: {@code scalar}, or {@code vector} (which
 * fails if the module is missing, so a test or benchmark never measures the wrong path silently).
 * The vector class is loaded by name, so no other class links the incubator module.
 */
public final class Kernels {
  /** The system property that forces a path: {@code scalar} or {@code vector}. */
  public static final String PROPERTY = "quantgen.kernels";

  private static final String VECTOR_MODULE = "jdk.incubator.vector";
  private static final String VECTOR_CLASS = "dev.quantgen.runtime.kernel.VectorKernelSupport";

  /** The line printed once when the scalar kernels are chosen because the module is missing. */
  static final String SCALAR_NOTE =
      "quantgen: scalar kernels; for vector ones add java option --add-modules " + VECTOR_MODULE;

  private Kernels() {}

  /** The implementation generated kernels use: chosen on first use, then constant. */
  public static KernelSupport support() {
    return Holder.INSTANCE;
  }

  /** The portable implementation (for parity tests and benchmarks). */
  public static KernelSupport scalar() {
    return new ScalarKernelSupport();
  }

  /**
   * The Vector API implementation, or empty when the module is absent or the vectors are narrower
   * than 256 bits.
   *
   * @throws LinkageError if the module is present but the class is missing from the runtime jar (a
   *     packaging bug, not a limited environment)
   */
  public static Optional<KernelSupport> vector() {
    if (ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty()) {
      return Optional.empty();
    }
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      Class<?> type = lookup.findClass(VECTOR_CLASS);
      return Optional.of(
          (KernelSupport) lookup.findConstructor(type, MethodType.methodType(void.class)).invoke());
    } catch (UnsupportedOperationException e) {
      return Optional.empty();
    } catch (ClassNotFoundException | NoSuchMethodException | IllegalAccessException e) {
      throw new LinkageError(VECTOR_CLASS + " is missing from the quantgen runtime jar", e);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new LinkageError("cannot create " + VECTOR_CLASS, e);
    }
  }

  /**
   * The implementation for a value of {@value #PROPERTY}: {@code null} or empty chooses.
   *
   * @throws IllegalArgumentException if {@code forced} is another value, or {@code vector} while
   *     the Vector API is unavailable
   */
  static KernelSupport lookup(String forced) {
    String choice = forced == null ? "" : forced.trim().toLowerCase(Locale.ROOT);
    switch (choice) {
      case "scalar":
        return scalar();
      case "vector":
        return vector()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        PROPERTY
                            + ": expected 'scalar' or 'vector' with the Vector API available, got 'vector' but "
                            + VECTOR_MODULE
                            + " is not in the boot layer or its vectors are narrower than 256 bits"
                            + " (start java with --add-modules "
                            + VECTOR_MODULE
                            + ")"));
      case "":
        Optional<KernelSupport> vector = vector();
        vector.ifPresent(v -> InlineDepth.check());
        return vector.orElseGet(
            () -> {
              // One short line, once, on stderr (a logger would print two, with a timestamp).
              System.err.println(
                  ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty()
                      ? SCALAR_NOTE
                      : "quantgen: scalar kernels; this CPU's vectors are narrower than 256 bits");
              return scalar();
            });
      default:
        throw new IllegalArgumentException(
            PROPERTY + ": expected 'scalar' or 'vector', got '" + forced + "'");
    }
  }

  /** Lazy holder: chosen on first use, which also keeps class initialization free of deadlocks. */
  private static final class Holder {
    static final KernelSupport INSTANCE = lookup(System.getProperty(PROPERTY));
  }
}
