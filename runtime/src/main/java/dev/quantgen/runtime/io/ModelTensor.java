package dev.quantgen.runtime.io;

import dev.quantgen.runtime.numerics.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One named tensor of a {@link ModelFile}: a {@link TensorType}, a logical {@link Shape} and the
 * stored bytes (little-endian, exactly as in the file). Immutable; the factories and accessors
 * copy. Float data is copied as raw bits, so NaN payloads and {@code -0.0} survive a save and load.
 */
public final class ModelTensor {
  private final String name;
  private final TensorType type;
  private final Shape shape;
  private final byte[] data;

  private ModelTensor(String name, TensorType type, Shape shape, byte[] data) {
    this.name = name;
    this.type = type;
    this.shape = shape;
    this.data = data;
  }

  public static ModelTensor float32(String name, Shape shape, float[] values) {
    check(name, TensorType.FLOAT32, shape, values.length, shape.size());
    return of(
        name, TensorType.FLOAT32, shape, 4 * values.length, b -> b.asFloatBuffer().put(values));
  }

  /** binary16 bit patterns, e.g. from {@code Half.fromFloat}. */
  public static ModelTensor float16Bits(String name, Shape shape, short[] bits) {
    check(name, TensorType.FLOAT16, shape, bits.length, shape.size());
    return of(name, TensorType.FLOAT16, shape, 2 * bits.length, b -> b.asShortBuffer().put(bits));
  }

  public static ModelTensor int8(String name, Shape shape, byte[] values) {
    check(name, TensorType.INT8, shape, values.length, shape.size());
    return new ModelTensor(name, TensorType.INT8, shape, values.clone());
  }

  /** Unsigned bytes 0..255 held in Java {@code byte}s ({@code & 0xff} to read). */
  public static ModelTensor uint8(String name, Shape shape, byte[] values) {
    check(name, TensorType.UINT8, shape, values.length, shape.size());
    return new ModelTensor(name, TensorType.UINT8, shape, values.clone());
  }

  public static ModelTensor int16(String name, Shape shape, short[] values) {
    check(name, TensorType.INT16, shape, values.length, shape.size());
    return of(name, TensorType.INT16, shape, 2 * values.length, b -> b.asShortBuffer().put(values));
  }

  public static ModelTensor int32(String name, Shape shape, int[] values) {
    check(name, TensorType.INT32, shape, values.length, shape.size());
    return of(name, TensorType.INT32, shape, 4 * values.length, b -> b.asIntBuffer().put(values));
  }

  public static ModelTensor int64(String name, Shape shape, long[] values) {
    check(name, TensorType.INT64, shape, values.length, shape.size());
    return of(name, TensorType.INT64, shape, 8 * values.length, b -> b.asLongBuffer().put(values));
  }

  /**
   * Int4 values packed two per byte ({@link TensorType#INT4_PACKED}): {@code ceil(size / 2)} bytes.
   *
   * @throws IllegalArgumentException if the length is wrong or, for an odd count, the unused last
   *     high nibble is not zero
   */
  public static ModelTensor int4Packed(String name, Shape shape, byte[] packed) {
    check(name, TensorType.INT4_PACKED, shape, packed.length, (shape.size() + 1) / 2);
    String problem = paddingProblem(TensorType.INT4_PACKED, shape, ByteBuffer.wrap(packed));
    if (problem != null) {
      throw new IllegalArgumentException("tensor '" + name + "': " + problem);
    }
    return new ModelTensor(name, TensorType.INT4_PACKED, shape, packed.clone());
  }

  /**
   * Sign bits packed per row of the last dimension ({@link TensorType#BINARY_PACKED}): {@code rows
   * * ceil(last / 64)} words.
   *
   * @throws IllegalArgumentException if the length is wrong or a padding bit is set
   */
  public static ModelTensor binaryPacked(String name, Shape shape, long[] words) {
    long expected = TensorType.BINARY_PACKED.storageBytes(shape) / 8;
    check(name, TensorType.BINARY_PACKED, shape, words.length, expected);
    ModelTensor t =
        of(
            name,
            TensorType.BINARY_PACKED,
            shape,
            8 * words.length,
            b -> b.asLongBuffer().put(words));
    String problem = paddingProblem(TensorType.BINARY_PACKED, shape, t.buffer());
    if (problem != null) {
      throw new IllegalArgumentException("tensor '" + name + "': " + problem);
    }
    return t;
  }

  /**
   * A tensor from stored bytes the reader validated (sizes and padding); takes ownership of {@code
   * data}.
   */
  static ModelTensor stored(String name, TensorType type, Shape shape, byte[] data) {
    return new ModelTensor(name, type, shape, data);
  }

  private static void check(String name, TensorType type, Shape shape, long length, long expected) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException(
          "tensor name is " + (name == null ? "null" : "empty") + ": expected a non-empty name");
    }
    if (length != expected) {
      throw new IllegalArgumentException(
          "tensor '"
              + name
              + "' ("
              + type
              + ", shape "
              + shape
              + "): data length "
              + length
              + ", expected "
              + expected);
    }
  }

  private interface Filler {
    void fill(ByteBuffer b);
  }

  private static ModelTensor of(
      String name, TensorType type, Shape shape, int bytes, Filler filler) {
    ByteBuffer b = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
    filler.fill(b);
    return new ModelTensor(name, type, shape, b.array());
  }

  /**
   * What is wrong with the padding of packed data, or {@code null}: padding must be zero so that
   * equal tensors have equal bytes and a kernel may rely on it.
   */
  static String paddingProblem(TensorType type, Shape shape, ByteBuffer data) {
    if (type == TensorType.INT4_PACKED
        && shape.size() % 2 == 1
        && (data.get(data.limit() - 1) & 0xf0) != 0) {
      return "odd element count " + shape.size() + ": the last high nibble must be zero";
    }
    if (type == TensorType.BINARY_PACKED) {
      int last = shape.rank() == 0 ? 1 : shape.dim(-1);
      int words = TensorType.binaryWordsPerRow(shape);
      long rows = TensorType.binaryRows(shape);
      if (last % 64 != 0) {
        long mask = -1L << (last % 64); // the bits past the last value of a row
        ByteBuffer b = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        for (long r = 0; r < rows; r++) {
          int index = (int) ((r + 1) * words - 1) * 8;
          if ((b.getLong(index) & mask) != 0) {
            return "row "
                + r
                + " has padding bits set past its "
                + last
                + " values; they must be zero";
          }
        }
      }
    }
    return null;
  }

  public String name() {
    return name;
  }

  public TensorType type() {
    return type;
  }

  public Shape shape() {
    return shape;
  }

  /** The stored bytes, little-endian (a copy). */
  public byte[] bytes() {
    return data.clone();
  }

  public float[] floats() {
    require(TensorType.FLOAT32);
    float[] out = new float[shape.size()];
    buffer().asFloatBuffer().get(out);
    return out;
  }

  public short[] float16Bits() {
    require(TensorType.FLOAT16);
    return shorts();
  }

  public short[] int16s() {
    require(TensorType.INT16);
    return shorts();
  }

  public int[] ints() {
    require(TensorType.INT32);
    int[] out = new int[shape.size()];
    buffer().asIntBuffer().get(out);
    return out;
  }

  /** The values of an INT64 tensor or the words of a BINARY_PACKED one. */
  public long[] longs() {
    if (type != TensorType.INT64 && type != TensorType.BINARY_PACKED) {
      throw wrongType("INT64 or BINARY_PACKED");
    }
    long[] out = new long[data.length / 8];
    buffer().asLongBuffer().get(out);
    return out;
  }

  private short[] shorts() {
    short[] out = new short[shape.size()];
    buffer().asShortBuffer().get(out);
    return out;
  }

  private ByteBuffer buffer() {
    return ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
  }

  byte[] raw() {
    return data;
  }

  private void require(TensorType expected) {
    if (type != expected) {
      throw wrongType(expected.toString());
    }
  }

  private IllegalStateException wrongType(String expected) {
    return new IllegalStateException("tensor '" + name + "' is " + type + ", expected " + expected);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ModelTensor t
        && name.equals(t.name)
        && type == t.type
        && shape.equals(t.shape)
        && java.util.Arrays.equals(data, t.data);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(name, type, shape, java.util.Arrays.hashCode(data));
  }

  @Override
  public String toString() {
    return name + ": " + type + shape;
  }
}
