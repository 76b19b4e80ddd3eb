/**
 * Dense layers: the layer contract generated kernels implement ({@link
 * dev.quantgen.runtime.layer.DenseLayer}), their prepared parameters per precision, the reference
 * implementations, and the shared arithmetic ({@link dev.quantgen.runtime.layer.LayerMath}).
 */
package dev.quantgen.runtime.layer;
