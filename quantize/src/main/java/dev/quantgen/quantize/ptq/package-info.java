/**
 * Post-training quantization: a float model ({@link dev.quantgen.quantize.ptq.FloatModel}) and
 * calibration samples in, a {@link dev.quantgen.runtime.model.QuantizedModel} out, with per-layer
 * choices ({@link dev.quantgen.quantize.ptq.PtqConfig}, {@link
 * dev.quantgen.quantize.ptq.LayerQuantization}) and per-layer error reports
 * (docs/numerics.md#2-scale-and-zero-point-from-a-range, docs/numerics.md#7-calibration and
 * docs/numerics.md#9-reporting-error).
 */
package dev.quantgen.quantize.ptq;
