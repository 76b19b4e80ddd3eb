/**
 * The JavaPoet writers of generated code: kernels per precision (dense, convolution, pooling), the
 * model classes, their generated-kernels bridges and the fake-quantization operators.
 */
package dev.quantgen.processor.writing;
