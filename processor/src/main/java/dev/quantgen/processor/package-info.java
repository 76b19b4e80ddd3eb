/**
 * The annotation processors: {@link dev.quantgen.processor.LayerProcessor} writes each layer's
 * kernels (and, with {@code -Aquantgen.fakeQuant=true}, its fake-quantization operators), {@link
 * dev.quantgen.processor.ModelProcessor} a model's chain; both validate, then model, then write,
 * and report errors with the stable tags of {@link dev.quantgen.processor.Message}.
 */
package dev.quantgen.processor;
