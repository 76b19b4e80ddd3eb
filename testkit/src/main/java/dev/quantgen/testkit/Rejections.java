package dev.quantgen.testkit;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.function.Executable;

/**
 * Assertions on rejected arguments: the error is an IllegalArgumentException naming what was wrong.
 */
public final class Rejections {
  private Rejections() {}

  /**
   * Asserts that {@code call} throws an IllegalArgumentException whose message has every fragment.
   */
  public static void assertRejected(Executable call, String... fragments) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    for (String fragment : fragments) {
      assertTrue(
          e.getMessage().contains(fragment),
          "'" + e.getMessage() + "' should mention '" + fragment + "'");
    }
  }
}
