package dev.quantgen.runtime.kernel;

import java.lang.management.ManagementFactory;
import java.util.Optional;

/**
 * HotSpot's inlining depth limit, checked once when the Vector API kernels are chosen. A Vector API
 * operation is a chain of small methods that C2 must inline down to its intrinsic; when a kernel is
 * itself inlined a few calls deep (a model's forward, a layer, a convolution, its tile), the chain
 * passes {@code MaxInlineLevel} (15 by default), the intrinsic is not reached and every vector is
 * boxed: the Fashion CNN's INT8 forward then allocated 16 KB per call and took 59.0 us instead of
 * 36.8 (JMH {@code -prof gc}, JDK 17, session 8). {@value #RECOMMENDED} keeps every chain whole.
 */
final class InlineDepth {
  /** The depth the kernels need, and what the one-line note tells a user to add. */
  static final int RECOMMENDED = 30;

  /** The note printed once when the JVM runs with a lower limit. */
  static final String NOTE =
      "quantgen: vector kernels may box in deep call chains; add java option -XX:MaxInlineLevel="
          + RECOMMENDED;

  private InlineDepth() {}

  /**
   * This JVM's {@code MaxInlineLevel}, or empty where it cannot be read (not HotSpot, no {@code
   * jdk.management} module, a native image).
   */
  static Optional<Integer> current() {
    try {
      Class<?> bean = Class.forName("com.sun.management.HotSpotDiagnosticMXBean");
      Object diagnostics =
          ManagementFactory.getPlatformMXBean(
              bean.asSubclass(java.lang.management.PlatformManagedObject.class));
      Object option =
          bean.getMethod("getVMOption", String.class).invoke(diagnostics, "MaxInlineLevel");
      Object value = option.getClass().getMethod("getValue").invoke(option);
      return Optional.of(Integer.parseInt(String.valueOf(value)));
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      return Optional.empty(); // nothing to check on this JVM
    }
  }

  /** Prints {@link #NOTE} once on standard error when the limit is known and below the need. */
  static void check() {
    current()
        .filter(level -> level < RECOMMENDED)
        .ifPresent(level -> System.err.println(NOTE + " (it is " + level + ")"));
  }
}
