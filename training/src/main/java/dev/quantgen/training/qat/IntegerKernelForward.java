package dev.quantgen.training.qat;

import dev.quantgen.runtime.layer.ActivationMode;
import dev.quantgen.runtime.layer.DenseLayer;
import dev.quantgen.runtime.layer.DenseWeights;
import dev.quantgen.runtime.layer.QuantizedDenseConfig;
import dev.quantgen.runtime.layer.QuantizedDenseParams;
import dev.quantgen.runtime.model.PreparedLayer;
import dev.quantgen.runtime.numerics.Activation;
import dev.quantgen.runtime.numerics.RequantMode;
import dev.quantgen.training.network.EvaluationKernel;
import java.util.Objects;

/**
 * Evaluates an INT8/INT4 fake-quant layer on the STATIC integer kernel {@link IntegerConversion}
 * gives it: the exact int32 accumulator and the kernel's fixed-point requantization, dequantized to
 * {@code (q - zo) * so}, which the output {@link ActivationQuant} maps back to the same {@code q}
 * (its relative error, a few float ulps of an integer at most 255, is far below the half step
 * {@code rint} needs). So the evaluated fake-quant network and the integer model predict the same
 * class for every input. In float, the fake-quant sum of dequantized products rounds differently
 * from the integer sum, and {@code rint(y / so)} differs from the kernel's fixed-point multiplier
 * with its round-half-away shift, which moved a hidden code by one step on a few inputs. Until both
 * activation ranges are known the layer keeps its float pass.
 */
public final class IntegerKernelForward implements EvaluationKernel {
  private final ActivationQuant input;
  private final IntegerWeightTransform weights;
  private final ActivationQuant output;
  private final Activation activation;

  /**
   * @param activation the activation between the layer and {@code output} (RELU or NONE)
   */
  public IntegerKernelForward(
      ActivationQuant input,
      IntegerWeightTransform weights,
      ActivationQuant output,
      Activation activation) {
    this.input = Objects.requireNonNull(input, "input");
    this.weights = Objects.requireNonNull(weights, "weights");
    this.output = Objects.requireNonNull(output, "output");
    this.activation = Objects.requireNonNull(activation, "activation");
  }

  @Override
  public DenseLayer prepare(String name, int in, int out, float[] weight, float[] bias) {
    if (!input.initialized() || !output.initialized()) {
      return null;
    }
    return prepared(
            name, DenseWeights.of(in, out, weight, bias), weights, activation, input, output)
        .kernel();
  }

  /**
   * The STATIC integer layer of a fake-quant layer: what both the conversion and evaluation run.
   */
  static PreparedLayer.Quantized prepared(
      String name,
      DenseWeights w,
      IntegerWeightTransform q,
      Activation act,
      ActivationQuant in,
      ActivationQuant out) {
    QuantizedDenseConfig config =
        new QuantizedDenseConfig(
            q.type(), true, true, 0, ActivationMode.STATIC, RequantMode.INTEGER, act);
    return new PreparedLayer.Quantized(
        name, QuantizedDenseParams.prepare(name, w, config, in.params(), out.params()));
  }
}
