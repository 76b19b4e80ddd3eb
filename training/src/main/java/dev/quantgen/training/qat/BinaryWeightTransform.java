package dev.quantgen.training.qat;

import dev.quantgen.training.network.WeightTransform;

/**
 * A weight transform whose forward pass is {@code alpha * sign(w)} of a BINARY kernel, so a trained
 * layer can run on that kernel ({@link IntegerConversion}). Implemented by {@link BinaryWeights}
 * and by the processor's generated {@code <Layer>_BinaryFakeQuant}.
 */
public interface BinaryWeightTransform extends WeightTransform {
  /** One {@code alpha} per output channel (true) or one for the tensor (false). */
  boolean perChannel();
}
