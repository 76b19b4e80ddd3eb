/**
 * Small CNNs declared in tests (one shape, {@code SplitCnnShape}, at FP16, INT8, INT4 and BINARY)
 * whose convolutions are large enough to split across cores, and the test that their generated
 * kernels load and agree with the runtime's own.
 */
package dev.quantgen.examples.cnn;
