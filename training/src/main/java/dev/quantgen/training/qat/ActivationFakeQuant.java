package dev.quantgen.training.qat;

/**
 * The scalar operator of int8 activation fake quantization at a layer boundary, {@code [qmin, qmax]
 * = [-128, 127]}: what {@link ActivationQuant} applies to each value with the boundary's current
 * scale and zero point. {@link #INT8} is the runtime's own ({@link FakeQuant}); the annotation
 * processor generates one per static INT8/INT4 layer ({@code
 * <Layer>_<Precision>FakeQuant.ACTIVATIONS}), which must equal it bit for bit.
 */
public interface ActivationFakeQuant {
  /** {@code (saturate(rint(x / s) + z) - z) * s} in int8; NaN reads as 0. */
  float apply(float x, float scale, int zeroPoint);

  /** The straight-through mask: {@code -128 <= rint(x / s) + z <= 127} (false for NaN). */
  boolean passes(float x, float scale, int zeroPoint);

  /** The LSQ derivative of {@link #apply} with respect to the scale. */
  float scaleGradient(float x, float scale, int zeroPoint);

  /** The runtime operator, {@link FakeQuant} on [-128, 127]. */
  ActivationFakeQuant INT8 =
      new ActivationFakeQuant() {
        @Override
        public float apply(float x, float scale, int zeroPoint) {
          return FakeQuant.apply(x, scale, zeroPoint, -128, 127);
        }

        @Override
        public boolean passes(float x, float scale, int zeroPoint) {
          return FakeQuant.passes(x, scale, zeroPoint, -128, 127);
        }

        @Override
        public float scaleGradient(float x, float scale, int zeroPoint) {
          return FakeQuant.scaleGradient(x, scale, zeroPoint, -128, 127);
        }

        @Override
        public String toString() {
          return "ActivationFakeQuant.INT8";
        }
      };
}
