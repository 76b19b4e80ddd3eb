package dev.quantgen.onnx;

import dev.quantgen.runtime.numerics.Activation;
import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.Shape;
import java.util.List;

/**
 * A fully connected layer {@code y = act(W x + b)} from MatMul (+ Add) or Gemm, weights in {@code
 * [out, in]} layout (ONNX MatMul's {@code [K, N]} is transposed at load time).
 *
 * @param weights {@code [out, in]}
 * @param bias {@code [out]}, or null
 */
public record DenseSpec(
    String name,
    Shape inputShape,
    Shape outputShape,
    FloatTensor weights,
    FloatTensor bias,
    Activation activation,
    String weightName,
    String biasName,
    List<String> sources)
    implements LoweredLayer {
  public DenseSpec {
    sources = List.copyOf(sources);
  }

  public int in() {
    return inputShape.dim(0);
  }

  public int out() {
    return outputShape.dim(0);
  }
}
