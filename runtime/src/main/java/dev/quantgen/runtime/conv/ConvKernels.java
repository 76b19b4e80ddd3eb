package dev.quantgen.runtime.conv;

import dev.quantgen.runtime.kernel.Kernels;
import dev.quantgen.runtime.numerics.Activation;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Locale;
import java.util.Optional;

/**
 * Makes the blocked convolution kernels generated layers run on, choosing once per JVM between the
 * Vector API implementation and the scalar one as {@link Kernels} does: the vector one when {@code
 * jdk.incubator.vector} is in the boot layer and the preferred vectors are at least 256 bits wide,
 * else the scalar one with a single warning. {@value Kernels#PROPERTY} ({@code scalar} or {@code
 * vector}) forces a path for every kernel; {@code quantgen.vectorBits} ({@code 256} or {@code 512})
 * forces the vector width. The vector classes are loaded by name, so nothing else links the
 * incubator module.
 */
public final class ConvKernels {
  private static final String VECTOR_MODULE = "jdk.incubator.vector";
  private static final String VECTOR_FLOAT = "dev.quantgen.runtime.conv.VectorFloatConv";
  private static final String VECTOR_INT8_ROWS = "dev.quantgen.runtime.conv.VectorInt8Rows";

  private ConvKernels() {}

  /**
   * The FP32 convolution of {@code g} with {@code weights [M, C / groups, kh, kw]} and {@code bias
   * [M]} (or null), on the chosen path.
   *
   * @throws IllegalArgumentException if a length does not fit the geometry, or {@value
   *     Kernels#PROPERTY} is {@code vector} without the Vector API
   */
  public static FloatConv fp32(
      ConvGeometry g, float[] weights, float[] bias, Activation activation) {
    return Choice.VECTOR
        ? vectorFp32(g, weights, bias, activation).orElseThrow()
        : scalarFp32(g, weights, bias, activation);
  }

  /**
   * The FP32 convolution of a layer whose groups have one input channel each ({@code C / groups ==
   * 1}: depthwise layers, single-input-channel first layers) on the per-channel kernel: vectors of
   * output positions along a row instead of blocks of output channels. Without the Vector API it is
   * the portable kernel, as {@link #fp32}.
   *
   * @throws IllegalArgumentException if {@code C / groups != 1}, a length does not fit the
   *     geometry, or {@value Kernels#PROPERTY} is {@code vector} without the Vector API
   */
  public static FloatConv perChannelFp32(
      ConvGeometry g, float[] weights, float[] bias, Activation activation) {
    if (g.channelsPerGroup() != 1) {
      throw new IllegalArgumentException(
          "per-channel convolution: C / groups = "
              + g.channelsPerGroup()
              + ", expected 1 (use fp32)");
    }
    return Choice.VECTOR
        ? vectorFp32(g, weights, bias, activation, true).orElseThrow()
        : scalarFp32(g, weights, bias, activation);
  }

  /** The portable implementation (parity tests, benchmarks). */
  public static FloatConv scalarFp32(
      ConvGeometry g, float[] weights, float[] bias, Activation activation) {
    return new ScalarFloatConv(g, weights, bias, activation);
  }

  /**
   * The Vector API implementation, or empty when the module is absent or vectors are narrower than
   * 256 bits.
   */
  public static Optional<FloatConv> vectorFp32(
      ConvGeometry g, float[] weights, float[] bias, Activation activation) {
    return vectorFp32(g, weights, bias, activation, false);
  }

  /**
   * The Vector API per-channel kernel of {@link #perChannelFp32} (parity tests, benchmarks), or
   * empty as {@link #vectorFp32}.
   */
  public static Optional<FloatConv> vectorPerChannelFp32(
      ConvGeometry g, float[] weights, float[] bias, Activation activation) {
    return vectorFp32(g, weights, bias, activation, true);
  }

  private static Optional<FloatConv> vectorFp32(
      ConvGeometry g, float[] weights, float[] bias, Activation activation, boolean perChannel) {
    if (!vectorModule()) {
      return Optional.empty();
    }
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      Class<?> type = lookup.findClass(VECTOR_FLOAT);
      return Optional.of(
          (FloatConv)
              lookup
                  .findConstructor(
                      type,
                      MethodType.methodType(
                          void.class,
                          ConvGeometry.class,
                          float[].class,
                          float[].class,
                          Activation.class,
                          boolean.class))
                  .invoke(g, weights, bias, activation, perChannel));
    } catch (UnsupportedOperationException e) {
      return Optional.empty();
    } catch (ExceptionInInitializerError e) {
      if (e.getCause() instanceof UnsupportedOperationException) {
        return Optional.empty();
      }
      throw e;
    } catch (ClassNotFoundException | NoSuchMethodException | IllegalAccessException e) {
      throw new LinkageError(VECTOR_FLOAT + " is missing from the quantgen runtime jar", e);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new LinkageError("cannot create " + VECTOR_FLOAT, e);
    }
  }

  /**
   * The element-wise int8 steps around a static quantized convolution, on the same path as {@link
   * #fp32}.
   */
  public static Int8Rows int8Rows() {
    return Choice.VECTOR ? Rows.VECTOR : ScalarInt8Rows.INSTANCE;
  }

  /** The portable int8 row steps (parity tests, benchmarks). */
  public static Int8Rows scalarInt8Rows() {
    return ScalarInt8Rows.INSTANCE;
  }

  /**
   * The Vector API int8 row steps, or empty when the module is absent or vectors are narrower than
   * 256 bits.
   */
  public static Optional<Int8Rows> vectorInt8Rows() {
    if (!vectorModule()) {
      return Optional.empty();
    }
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      Class<?> type = lookup.findClass(VECTOR_INT8_ROWS);
      return Optional.of(
          (Int8Rows) lookup.findConstructor(type, MethodType.methodType(void.class)).invoke());
    } catch (UnsupportedOperationException e) {
      return Optional.empty();
    } catch (ExceptionInInitializerError e) {
      if (e.getCause() instanceof UnsupportedOperationException) {
        return Optional.empty();
      }
      throw e;
    } catch (ClassNotFoundException | NoSuchMethodException | IllegalAccessException e) {
      throw new LinkageError(VECTOR_INT8_ROWS + " is missing from the quantgen runtime jar", e);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new LinkageError("cannot create " + VECTOR_INT8_ROWS, e);
    }
  }

  /** The one vector instance of the int8 row steps, made on first use of the vector path. */
  private static final class Rows {
    static final Int8Rows VECTOR = vectorInt8Rows().orElseThrow();
  }

  private static boolean vectorModule() {
    return ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent();
  }

  /** Whether the vector path is used: chosen on first use, then constant. */
  private static final class Choice {
    static final boolean VECTOR = choose(System.getProperty(Kernels.PROPERTY));

    static boolean choose(String forced) {
      String choice = forced == null ? "" : forced.trim().toLowerCase(Locale.ROOT);
      ConvGeometry probe = new ConvGeometry(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1);
      boolean available = vectorFp32(probe, new float[1], null, Activation.NONE).isPresent();
      switch (choice) {
        case "scalar":
          return false;
        case "vector":
          if (!available) {
            throw new IllegalArgumentException(
                Kernels.PROPERTY
                    + ": 'vector' but "
                    + VECTOR_MODULE
                    + " is not in the boot layer or its vectors are narrower than 256 bits (start java with --add-modules "
                    + VECTOR_MODULE
                    + ")");
          }
          return true;
        case "":
          if (!available) {
            System.getLogger(ConvKernels.class.getName())
                .log(
                    System.Logger.Level.WARNING,
                    "quantgen convolutions use their scalar kernels: the Vector API is unavailable; start java with"
                        + " --add-modules "
                        + VECTOR_MODULE
                        + " on a CPU with 256-bit vectors for faster kernels");
          }
          return available;
        default:
          throw new IllegalArgumentException(
              Kernels.PROPERTY + ": expected 'scalar' or 'vector', got '" + forced + "'");
      }
    }
  }
}
