package dev.quantgen.training.qat;

import dev.quantgen.runtime.layer.ActivationMode;
import dev.quantgen.runtime.layer.BinaryDenseParams;
import dev.quantgen.runtime.layer.DenseWeights;
import dev.quantgen.runtime.model.PreparedLayer;
import dev.quantgen.runtime.model.QuantizedModel;
import dev.quantgen.runtime.numerics.Activation;
import dev.quantgen.training.network.Layer;
import dev.quantgen.training.network.Linear;
import dev.quantgen.training.network.Network;
import dev.quantgen.training.network.Relu;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a trained dense fake-quant {@link Network} into the integer model of {@code ptq}: the same
 * layers on the runtime kernels, with the trained float weights quantized as the fake-quant forward
 * pass quantized them and the learned activation parameters at the boundaries.
 *
 * <p>The network reads as a sequence of {@code [ActivationQuant | BinaryActivation] Linear [Relu]
 * [ActivationQuant]} groups:
 *
 * <ul>
 *   <li>an {@link IntegerWeightTransform} layer ({@link PerChannelWeightQuant} or a generated one)
 *       between two {@link ActivationQuant}s becomes an INT8/INT4 STATIC layer (int8 in, int32
 *       accumulation, integer-only requantization, ReLU fused as the output clamp);
 *   <li>a {@link BinaryWeightTransform} layer ({@link BinaryWeights} or a generated one) becomes a
 *       BINARY layer, with BINARY (XNOR) activations when a {@link BinaryActivation} precedes it,
 *       else FLOAT;
 *   <li>a layer with float weights stays FP32.
 * </ul>
 */
public final class IntegerConversion {
  private IntegerConversion() {}

  /**
   * @throws IllegalArgumentException if the network has a layer outside that pattern, or an
   *     INT8/INT4 layer without fake-quantized activations on both sides (naming the layer)
   */
  public static QuantizedModel toQuantizedModel(Network network) {
    List<Layer> layers = network.layers();
    List<PreparedLayer> prepared = new ArrayList<>();
    for (int k = 0; k < layers.size(); k++) {
      Layer layer = layers.get(k);
      if (layer instanceof ActivationQuant
          || layer instanceof BinaryActivation
          || layer instanceof Relu) {
        continue; // folded into the neighbouring Linear
      }
      if (!(layer instanceof Linear linear)) {
        throw new IllegalArgumentException(
            "layers["
                + k
                + "]: "
                + layer.getClass().getSimpleName()
                + " has no integer dense kernel; expected Linear, Relu, ActivationQuant or BinaryActivation");
      }
      boolean relu = k + 1 < layers.size() && layers.get(k + 1) instanceof Relu;
      Activation act = relu ? Activation.RELU : Activation.NONE;
      Layer before = k > 0 ? layers.get(k - 1) : null;
      int afterIndex = relu ? k + 2 : k + 1;
      Layer after = afterIndex < layers.size() ? layers.get(afterIndex) : null;
      DenseWeights weights =
          DenseWeights.of(linear.inputSize(), linear.outputSize(), linear.weight(), linear.bias());
      String name = linear.name();
      if (linear.transform() instanceof IntegerWeightTransform q) {
        if (!(before instanceof ActivationQuant in) || !(after instanceof ActivationQuant out)) {
          throw new IllegalArgumentException(
              "layer "
                  + name
                  + ": an "
                  + q.type()
                  + " layer needs an ActivationQuant "
                  + "before it and after it (after its Relu), got "
                  + describe(before)
                  + " and "
                  + describe(after));
        }
        prepared.add(IntegerKernelForward.prepared(name, weights, q, act, in, out));
      } else if (linear.transform() instanceof BinaryWeightTransform b) {
        ActivationMode mode =
            before instanceof BinaryActivation ? ActivationMode.BINARY : ActivationMode.FLOAT;
        prepared.add(
            new PreparedLayer.Binary(
                name, BinaryDenseParams.prepare(weights, b.perChannel(), mode, act)));
      } else {
        prepared.add(new PreparedLayer.Fp32(name, weights, act));
      }
    }
    return QuantizedModel.of(prepared);
  }

  private static String describe(Layer layer) {
    return layer == null ? "nothing" : layer.getClass().getSimpleName();
  }
}
