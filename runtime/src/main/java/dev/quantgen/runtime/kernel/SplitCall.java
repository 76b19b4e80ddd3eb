package dev.quantgen.runtime.kernel;

/**
 * One call of a generated kernel's row loop, split across cores by {@link Rows#forEach} without
 * allocating: the layer and the call's arguments sit in this thread's reusable instance, and the
 * loop is a static, non-capturing {@link Body} (one object per generated class, made once) that
 * reads them back. A capturing lambda would be a new object on every call.
 *
 * <p>Each thread has one instance; {@link #forEach} clears it when the split ends, so it never
 * keeps a layer or its buffers alive. A body must not start another split call on its thread (none
 * of the generated row loops does).
 */
public final class SplitCall implements RowRange {
  /** The row loop: rows {@code [from, to)} of {@code call}, on whichever thread runs that part. */
  @FunctionalInterface
  public interface Body {
    void run(SplitCall call, int from, int to);
  }

  private static final ThreadLocal<SplitCall> CALLS = ThreadLocal.withInitial(SplitCall::new);

  private final Object[] args = new Object[4];
  private Body body;
  private Object layer;
  private int count;
  private float value;

  private SplitCall() {}

  /**
   * This thread's call, holding {@code body}, {@code layer}, up to four arrays and a count (unused
   * ones null).
   */
  public static SplitCall of(
      Body body, Object layer, Object a, Object b, Object c, Object d, int count) {
    SplitCall call = CALLS.get();
    call.body = body;
    call.layer = layer;
    call.args[0] = a;
    call.args[1] = b;
    call.args[2] = c;
    call.args[3] = d;
    call.count = count;
    call.value = 0.0f;
    return call;
  }

  /** Adds a float argument (a scale shared by every row). */
  public SplitCall withValue(float value) {
    this.value = value;
    return this;
  }

  /**
   * Runs the body over {@code [0, rows)} through {@link Rows#forEach}, then forgets the arguments.
   */
  public void forEach(int rows, long macsPerRow) {
    try {
      Rows.forEach(rows, macsPerRow, this);
    } finally {
      body = null;
      layer = null;
      java.util.Arrays.fill(args, null);
    }
  }

  @Override
  public void run(int from, int to) {
    body.run(this, from, to);
  }

  /** The layer whose rows run. */
  public Object layer() {
    return layer;
  }

  /** The count (a batch size). */
  public int count() {
    return count;
  }

  /** The float argument. */
  public float value() {
    return value;
  }

  /** Argument {@code i} as a {@code byte[]}. */
  public byte[] bytes(int i) {
    return (byte[]) args[i];
  }

  /** Argument {@code i} as an {@code int[]}. */
  public int[] ints(int i) {
    return (int[]) args[i];
  }

  /** Argument {@code i} as a {@code float[]}. */
  public float[] floats(int i) {
    return (float[]) args[i];
  }

  /** Argument {@code i} as a {@code long[]}. */
  public long[] longs(int i) {
    return (long[]) args[i];
  }

  /** Argument {@code i} as a {@code short[]}. */
  public short[] shorts(int i) {
    return (short[]) args[i];
  }
}
