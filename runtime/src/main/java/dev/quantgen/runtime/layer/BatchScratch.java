package dev.quantgen.runtime.layer;

/**
 * The int8 input and output codes of a float batch run through a static layer's integer kernel
 * ({@link StaticQuantizedLayer#forwardBatch}): one pair per thread, grown to the largest batch
 * seen, so a warm call allocates nothing. Only the calling thread touches them (split workers write
 * into the arrays the caller passed, never into their own scratch).
 */
final class BatchScratch {
  private static final ThreadLocal<BatchScratch> LOCAL = ThreadLocal.withInitial(BatchScratch::new);

  private byte[] input = new byte[0];
  private byte[] output = new byte[0];

  private BatchScratch() {}

  /** This thread's scratch. */
  static BatchScratch get() {
    return LOCAL.get();
  }

  /** The input codes: exactly {@code size} elements (a batched kernel checks the length). */
  byte[] input(int size) {
    if (input.length != size) {
      input = new byte[size];
    }
    return input;
  }

  /** The output codes: exactly {@code size} elements. */
  byte[] output(int size) {
    if (output.length != size) {
      output = new byte[size];
    }
    return output;
  }
}
