package dev.quantgen.runtime.kernel;

import java.util.Locale;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The one place that chooses the vector width of every Vector API kernel (dense and convolution):
 * the width the CPU prefers (512 bits on AVX-512, 256 on AVX2), or the width the system property
 * {@value #PROPERTY} forces ({@code 256}, {@code 512} or {@code preferred}), so parity tests run
 * both widths on every machine (the Vector API runs any species everywhere, emulated where the CPU
 * lacks it).
 *
 * <p>The species are {@code static final}: C2 intrinsifies a Vector API call only when its species
 * is a constant, which an instance field is not (a kernel holding its species in a field boxes
 * every vector). The width is therefore fixed per JVM.
 *
 * <p>Species come in families with the same lane count, so a widening conversion is one
 * instruction: {@link #BYTES_PER_INT} bytes and {@link #SHORTS_PER_INT} shorts widen to {@link
 * #INTS} ints, as many as {@link #FLOATS} floats.
 */
public final class VectorShapes {
  /** The system property that forces a width: {@code 256}, {@code 512} or {@code preferred}. */
  public static final String PROPERTY = "quantgen.vectorBits";

  /** Bits per vector of every kernel. */
  public static final int BITS = bits(System.getProperty(PROPERTY));

  /** Floats of {@link #BITS}. */
  public static final VectorSpecies<Float> FLOATS = VectorSpecies.of(float.class, shape(BITS));

  /** Ints of {@link #BITS}. */
  public static final VectorSpecies<Integer> INTS = VectorSpecies.of(int.class, shape(BITS));

  /** Shorts as many as {@link #INTS} has lanes ({@code BITS / 2}). */
  public static final VectorSpecies<Short> SHORTS_PER_INT =
      VectorSpecies.of(short.class, shape(BITS / 2));

  /** Longs of {@link #BITS}. */
  public static final VectorSpecies<Long> LONGS = VectorSpecies.of(long.class, shape(BITS));

  /** Bytes as many as {@link #INTS} has lanes ({@code BITS / 4}). */
  public static final VectorSpecies<Byte> BYTES_PER_INT =
      VectorSpecies.of(byte.class, shape(BITS / 4));

  private VectorShapes() {}

  /**
   * The width for a value of {@value #PROPERTY}: {@code null}, empty or {@code preferred} gives the
   * CPU's preferred width, at least 256 (narrower CPUs get the scalar kernels anyway, and every
   * species here must exist: the narrowest is a quarter of the width).
   *
   * @throws IllegalArgumentException for any other value than {@code 256} or {@code 512}
   */
  static int bits(String forced) {
    String choice = forced == null ? "" : forced.trim().toLowerCase(Locale.ROOT);
    switch (choice) {
      case "":
      case "preferred":
        return Math.max(256, FloatVector.SPECIES_PREFERRED.vectorBitSize());
      case "256":
        return 256;
      case "512":
        return 512;
      default:
        throw new IllegalArgumentException(
            PROPERTY + ": expected 256, 512 or preferred, got '" + forced + "'");
    }
  }

  private static VectorShape shape(int bits) {
    return VectorShape.forBitSize(bits);
  }
}
