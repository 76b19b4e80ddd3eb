package dev.quantgen.runtime.layer;

import dev.quantgen.runtime.numerics.Activation;
import java.util.List;
import java.util.Optional;

/**
 * The generated kernels of one {@code @Model}, as a runtime can ask for them without reflection:
 * given a layer's position and its prepared parameters, the generated kernel class whose
 * compile-time configuration matches them, or empty when no generated variant of that layer does
 * (another precision, scheme, granularity, activation mode or shape). The annotation processor
 * implements this in every generated {@code <Model>_Model} ({@code <Model>_Model.kernels()}).
 *
 * <p>A kernel returned here runs the parameters exactly as the runtime's own kernel for them would:
 * integer pipelines bit for bit, float sums within their reassociation bound. Implementations are
 * stateless and thread-safe.
 */
public interface GeneratedKernels {
  /** The qualified name of the model these kernels were generated for, for messages. */
  String modelName();

  /** Number of layers of the model. */
  int layers();

  /**
   * What each generated kernel of layer {@code layer} accepts, one line per variant, for error
   * messages: the class's simple name, a colon, then the layer's precision and scheme, {@code in ->
   * out}, bias and fused activation, as {@code PreparedLayer.describe()} writes them for prepared
   * parameters; for example {@code Fc3_Int8: int8 symmetric per-channel static (integer
   * requantization), 128 -> 10, bias, activation NONE}. Empty when an implementation does not say
   * (the default; the processor's generated kernels do).
   *
   * @throws IllegalArgumentException if {@code layer} is not in {@code [0, layers())}
   */
  default List<String> variants(int layer) {
    return List.of();
  }

  /**
   * The generated FP32 kernel of layer {@code layer} for these weights and activation.
   *
   * @throws IllegalArgumentException if {@code layer} is not in {@code [0, layers())}
   */
  Optional<DenseLayer> fp32(int layer, DenseWeights weights, Activation activation);

  /**
   * The generated FP16 kernel of layer {@code layer} for these parameters.
   *
   * @throws IllegalArgumentException if {@code layer} is not in {@code [0, layers())}
   */
  Optional<DenseLayer> fp16(int layer, Fp16DenseParams params);

  /**
   * The generated INT8 or INT4 kernel of layer {@code layer} whose configuration equals {@code
   * params.config()}.
   *
   * @throws IllegalArgumentException if {@code layer} is not in {@code [0, layers())}
   */
  Optional<DenseLayer> quantized(int layer, QuantizedDenseParams params);

  /**
   * The generated BINARY kernel of layer {@code layer} for these parameters.
   *
   * @throws IllegalArgumentException if {@code layer} is not in {@code [0, layers())}
   */
  Optional<DenseLayer> binary(int layer, BinaryDenseParams params);
}
