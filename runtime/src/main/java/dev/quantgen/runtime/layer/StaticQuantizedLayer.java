package dev.quantgen.runtime.layer;

/**
 * A dense layer with {@link ActivationMode#STATIC} activations: it also runs int8 to int8, so
 * consecutive static layers can pass int8 activations without going through float.
 */
public interface StaticQuantizedLayer extends DenseLayer {
  /** The int8 parameters of the input. */
  ActivationParams inputParams();

  /** The int8 parameters of the output. */
  ActivationParams outputParams();

  /** Quantizes a float input with {@link #inputParams()} (NaN becomes the zero point). */
  void quantizeInput(float[] x, byte[] qx);

  /** Dequantizes an int8 output with {@link #outputParams()}. */
  void dequantizeOutput(byte[] qy, float[] y);

  /**
   * The integer-only kernel: int8 input to int8 output.
   *
   * @throws IllegalArgumentException if a buffer has the wrong length
   */
  void forwardQuantized(byte[] qx, byte[] qy);
}
