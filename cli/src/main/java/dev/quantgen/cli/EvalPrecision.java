package dev.quantgen.cli;

import java.util.Locale;

/**
 * The precisions {@code quantgen eval} runs a model at, with the {@code @Quantize} each generates.
 */
enum EvalPrecision {
  /** Every layer's FP32 kernel. */
  FP32("INT8", false),
  /** Binary16 weights, float32 activations and sums. */
  FP16("FP16", false),
  /** Static INT8: int8 weights and activations, calibrated. */
  INT8("INT8", true),
  /** INT4 weights with static int8 activations, calibrated. */
  INT4("INT4", true),
  /** Sign weights scaled by {@code mean|w|}, float activations. */
  BINARY("BINARY", false),
  /**
   * A pre-quantized (QDQ) model run with its own scales and zero points, no calibration ({@code
   * dev.quantgen.onnx.QdqImporter}); on the reference static INT8 layers, not generated kernels.
   */
  AS_IS("INT8", false);

  private final String annotation;
  private final boolean calibrated;

  EvalPrecision(String annotation, boolean calibrated) {
    this.annotation = annotation;
    this.calibrated = calibrated;
  }

  /**
   * The precision named {@code value}, in any case.
   *
   * @throws UsageProblem naming the value and the accepted ones
   */
  static EvalPrecision parse(String value) {
    for (EvalPrecision p : values()) {
      if (p.label().equals(value.toLowerCase(Locale.ROOT))) {
        return p;
      }
    }
    throw new UsageProblem(
        "--precision "
            + value
            + ": expected fp32, fp16, int8, int4 or binary, or as-is for a"
            + " pre-quantized (QDQ) model");
  }

  /**
   * The name on the command line and in the output: {@code fp32}, {@code int4}, {@code as-is}, ...
   */
  String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * The {@code Precision} constant of the generated {@code @Quantize}; FP32 generates INT8 sources,
   * whose models carry every layer's FP32 kernel as well.
   */
  String annotation() {
    return annotation;
  }

  /** Whether static activations are calibrated on the first {@code --samples} images. */
  boolean calibrated() {
    return calibrated;
  }

  /** Bytes of one output channel's {@code fanIn} weights as the generated kernels store them. */
  long rowBytes(int fanIn) {
    return switch (this) {
      case FP32 -> 4L * fanIn;
      case FP16 -> 2L * fanIn;
      case INT8, AS_IS -> fanIn;
      case INT4 -> (fanIn + 1) / 2;
      case BINARY -> 8L * ((fanIn + 63) / 64);
    };
  }
}
