package dev.quantgen.examples.mnist;

import java.util.List;
import java.util.Map;

/**
 * Which ONNX initializers hold each layer's weights and bias ({@code ""}: none). Dense
 * weights are stored {@code [in, out]} in ONNX and transposed to {@code [out, in]} at load time. A name
 * joined with {@code +} or {@code *} marks values folded at load time (bias Add, BatchNormalization).
 */
public final class Mnist8Weights {
  public static final Map<String, List<String>> INITIALIZERS = Map.ofEntries(
    Map.entry("Convolution28", List.of("Parameter5", "Parameter6")),
    Map.entry("Convolution110", List.of("Parameter87", "Parameter88")),
    Map.entry("Times212", List.of("Parameter193", "Parameter194")));

  private Mnist8Weights() {
  }
}
