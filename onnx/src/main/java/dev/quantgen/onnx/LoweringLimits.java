package dev.quantgen.onnx;

/**
 * How large a model {@link GraphLowering} accepts, in elements (see {@code docs/limits.md}):
 *
 * <ul>
 *   <li>{@code maxTensorElements}: any one weight tensor, any one activation per sample (a layer's
 *       input or output for one image), and the cells of one pooling window;
 *   <li>{@code maxModelElements}: the sum over all layers of their weight and bias elements plus
 *       their per-sample output elements. Each layer counts its own weights even when several
 *       layers share one initializer: the lowering shares them, but the generated model holds one
 *       (quantized) copy per layer.
 * </ul>
 *
 * <p>The defaults, 2^28 and 2^29 elements (1 GiB and 2 GiB of float32), are changed with the system
 * properties {@value #MAX_TENSOR_ELEMENTS} and {@value #MAX_MODEL_ELEMENTS}.
 *
 * @param maxTensorElements at least 1
 * @param maxModelElements at least 1
 */
public record LoweringLimits(long maxTensorElements, long maxModelElements) {
  /** The system property that sets {@link #maxTensorElements}. */
  public static final String MAX_TENSOR_ELEMENTS = "quantgen.onnx.maxTensorElements";

  /** The system property that sets {@link #maxModelElements}. */
  public static final String MAX_MODEL_ELEMENTS = "quantgen.onnx.maxModelElements";

  /** 2^28 elements: 1 GiB of float32. */
  public static final long DEFAULT_MAX_TENSOR_ELEMENTS = 1L << 28;

  /** 2^29 elements: 2 GiB of float32. */
  public static final long DEFAULT_MAX_MODEL_ELEMENTS = 1L << 29;

  public LoweringLimits {
    if (maxTensorElements < 1 || maxModelElements < 1) {
      throw new IllegalArgumentException(
          "limits "
              + maxTensorElements
              + ", "
              + maxModelElements
              + ": expected at least 1 element each");
    }
  }

  /** The defaults, overridden by the system properties when they are set. */
  public static LoweringLimits fromSystemProperties() {
    return new LoweringLimits(
        property(MAX_TENSOR_ELEMENTS, DEFAULT_MAX_TENSOR_ELEMENTS),
        property(MAX_MODEL_ELEMENTS, DEFAULT_MAX_MODEL_ELEMENTS));
  }

  static long property(String name, long defaultValue) {
    String value = System.getProperty(name);
    if (value == null || value.isBlank()) {
      return defaultValue;
    }
    try {
      long n = Long.parseLong(value.trim());
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below with the value
    }
    throw new IllegalArgumentException(
        name + ": expected a number of elements >= 1, got '" + value + "'");
  }

  /**
   * The product of non-negative {@code dims}, or {@link Long#MAX_VALUE} when it does not fit a
   * long: a count that is then compared with a limit, never wrapped.
   */
  static long elements(long... dims) {
    long n = 1;
    for (long d : dims) {
      long high = Math.multiplyHigh(n, d);
      long low = n * d;
      n = high != 0 || low < 0 ? Long.MAX_VALUE : low;
    }
    return n;
  }
}
