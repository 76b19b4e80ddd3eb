package dev.quantgen.runtime.kernel;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The kernel implementations the parity tests name: {@code "scalar"}, or {@code "vector"} (at the
 * width the test execution sets), which a JVM without the Vector API module skips.
 */
final class KernelPaths {
  private KernelPaths() {}

  static KernelSupport support(String path) {
    if (path.equals("scalar")) {
      return Kernels.scalar();
    }
    KernelSupport vector = Kernels.vector().orElse(null);
    assumeTrue(
        vector != null, "jdk.incubator.vector not in the boot layer (or vectors < 256 bits)");
    return vector;
  }
}
