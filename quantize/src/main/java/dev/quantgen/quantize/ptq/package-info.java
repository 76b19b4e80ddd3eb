/**
 * Post-training quantization: a float model ({@link dev.quantgen.quantize.ptq.FloatModel}) and
 * calibration samples in, a {@link dev.quantgen.runtime.model.QuantizedModel} out, with per-layer
 * choices ({@link dev.quantgen.quantize.ptq.PtqConfig}, {@link
 * dev.quantgen.quantize.ptq.LayerQuantization}) and per-layer error reports (docs/numerics.md
 * sections 2, 7 and 9).
 */
package dev.quantgen.quantize.ptq;
