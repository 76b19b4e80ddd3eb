package dev.quantgen.onnx;

import dev.quantgen.runtime.conv.Window2d;
import dev.quantgen.runtime.numerics.Activation;
import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.Shape;
import java.util.List;

/**
 * A 2-D convolution with its final weights and bias: a following Add folded into the bias, a
 * BatchNormalization folded into both, ReLU or Clip with constant bounds fused as the activation.
 *
 * @param weights {@code [M, C / groups, kh, kw]}
 * @param bias {@code [M]}, or null when the graph has none
 * @param weightName the initializer the weights came from
 * @param biasName the initializer the bias came from, or null; for folded values the names joined
 *     with {@code +}
 */
public record ConvSpec(
    String name,
    Shape inputShape,
    Shape outputShape,
    FloatTensor weights,
    FloatTensor bias,
    Window2d window,
    int groups,
    Activation activation,
    String weightName,
    String biasName,
    List<String> sources)
    implements LoweredLayer {
  public ConvSpec {
    sources = List.copyOf(sources);
  }
}
