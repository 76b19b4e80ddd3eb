/**
 * A quantized model at inference: its prepared layers ({@link
 * dev.quantgen.runtime.model.PreparedLayer}), the model that runs them on generated kernels or the
 * runtime's own ({@link dev.quantgen.runtime.model.QuantizedModel}), its {@code .qgen} file ({@link
 * dev.quantgen.runtime.model.QuantizedModelFiles}) and thread-safe sessions ({@link
 * dev.quantgen.runtime.model.InferenceSession}).
 */
package dev.quantgen.runtime.model;
