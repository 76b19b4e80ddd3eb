/**
 * Quantization-aware training (docs/numerics.md#8-training): fake quantization that rounds exactly
 * as the inference kernels quantize, the straight-through estimator with its clipping mask,
 * per-channel weight fake quantization, binary weights and activations, moving-average activation
 * ranges, optional learnable (LSQ) activation scales and optional seeded stochastic rounding; and
 * the conversion of a trained fake-quant network to the integer kernels of the runtime. With {@code
 * -Aquantgen.fakeQuant=true} the annotation processor generates each annotated layer's own
 * operators ({@code <Layer>_<Precision>FakeQuant}), which plug in through {@link
 * dev.quantgen.training.qat.ActivationFakeQuant}, {@link
 * dev.quantgen.training.qat.IntegerWeightTransform} and {@link
 * dev.quantgen.training.qat.BinaryWeightTransform}.
 */
package dev.quantgen.training.qat;
