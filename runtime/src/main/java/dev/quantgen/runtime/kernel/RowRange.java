package dev.quantgen.runtime.kernel;

/** A piece of a kernel's work: output rows {@code [from, to)}. */
@FunctionalInterface
public interface RowRange {
  void run(int from, int to);
}
