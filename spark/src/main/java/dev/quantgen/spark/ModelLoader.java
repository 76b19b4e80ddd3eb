package dev.quantgen.spark;

import dev.quantgen.runtime.layer.GeneratedKernels;
import dev.quantgen.runtime.model.KernelMismatchException;
import dev.quantgen.runtime.model.KernelPolicy;
import dev.quantgen.runtime.model.QuantizedModel;
import dev.quantgen.runtime.model.QuantizedModelFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * How a model file becomes a model, the same on the driver (which validates it before any task
 * runs) and on every executor: {@link QuantizedModelFiles#load(Path, GeneratedKernels)} with the
 * kernels of the generated class named {@link #kernelsClass} ({@code <Model>_Model}, whose static
 * {@code kernels()} the annotation processor writes), or the runtime's kernels when it is null.
 *
 * @param kernelsClass the generated {@code <Model>_Model} class, or null for the runtime's kernels
 * @param requireGenerated fail when a layer has no matching generated kernel (instead of running it
 *     on the runtime's kernel)
 */
record ModelLoader(String kernelsClass, boolean requireGenerated) implements Serializable {
  /**
   * Loads and checks {@code file}.
   *
   * @throws IOException the model file's own error (missing, truncated, corrupt, wrong layout, or
   *     not the layers {@code kernelsClass} was generated for)
   * @throws IllegalArgumentException if the kernels class cannot be used, or a layer has no
   *     generated kernel while {@link #requireGenerated}
   */
  QuantizedModel load(Path file) throws IOException {
    try {
      return QuantizedModelFiles.load(
          file,
          kernels(),
          requireGenerated ? KernelPolicy.GENERATED_ONLY : KernelPolicy.ALLOW_RUNTIME_KERNELS);
    } catch (KernelMismatchException e) {
      throw new IllegalArgumentException(
          file
              + ": "
              + e.getMessage()
              + " On Spark: --allow-runtime-kernels, or QuantizedScorer.allowRuntimeKernels().",
          e);
    }
  }

  /** The kernels of {@link #kernelsClass}, or null. */
  private GeneratedKernels kernels() {
    if (kernelsClass == null) {
      return null;
    }
    Class<?> type;
    try {
      type = Class.forName(kernelsClass, true, classLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalArgumentException(
          "kernels class "
              + kernelsClass
              + " is not on the class path, expected the"
              + " generated <Model>_Model class in the job's jar (or --jars)",
          e);
    }
    try {
      Method method = type.getMethod("kernels");
      if (!Modifier.isStatic(method.getModifiers())
          || !GeneratedKernels.class.equals(method.getReturnType())) {
        throw new NoSuchMethodException();
      }
      return (GeneratedKernels) method.invoke(null);
    } catch (NoSuchMethodException e) {
      throw new IllegalArgumentException(
          "kernels class "
              + kernelsClass
              + " has no 'public static GeneratedKernels"
              + " kernels()', expected a <Model>_Model class generated from an @Model interface",
          e);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalArgumentException(
          "kernels class " + kernelsClass + ": kernels() failed: " + e, e);
    }
  }

  /** Spark runs tasks with the user's jars on the context class loader. */
  private static ClassLoader classLoader() {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    return loader != null ? loader : ModelLoader.class.getClassLoader();
  }

  /** The SHA-256 of {@code file}'s bytes, in hex: identifies a model's content across machines. */
  static String sha256(Path file) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
