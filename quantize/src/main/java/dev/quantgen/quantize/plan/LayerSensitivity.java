package dev.quantgen.quantize.plan;

import dev.quantgen.quantize.ptq.LayerQuantization;
import java.util.Objects;

/**
 * One layer quantized alone, every other layer at FP32.
 *
 * @param layer the layer's name
 * @param quantization how the layer was quantized
 * @param accuracy the whole model's accuracy
 * @param dropPoints FP32 accuracy minus {@code accuracy}, in percentage points (negative: it
 *     helped)
 * @param sqnrDb the SQNR of the layer's output against FP32 on the same (FP32) inputs
 * @param layerBytes the layer's stored parameter size at this precision
 */
public record LayerSensitivity(
    String layer,
    LayerQuantization quantization,
    double accuracy,
    double dropPoints,
    double sqnrDb,
    long layerBytes) {
  public LayerSensitivity {
    Objects.requireNonNull(layer, "layer");
    Objects.requireNonNull(quantization, "quantization");
  }
}
