package dev.quantgen.maven;

import dev.quantgen.onnx.ConvSpec;
import dev.quantgen.onnx.DenseSpec;
import dev.quantgen.onnx.LoweredLayer;
import dev.quantgen.onnx.LoweredModel;
import dev.quantgen.onnx.SourceGenerator;
import dev.quantgen.quantize.weights.NpyWriter;
import dev.quantgen.runtime.numerics.FloatTensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The weights of a lowered model as the generated {@code <Model>_Model} takes them: an {@code .npz}
 * whose tensors are named {@code "<Layer>.weight"} and {@code "<Layer>.bias"} after each layer's
 * class, dense weights {@code [out, in]}, convolution weights {@code [M, C / groups, kh, kw]}, with
 * bias Adds and batch normalizations already folded in. A user's code reads it with the runtime's
 * {@code WeightSource} alone: no ONNX parsing at run time.
 */
final class WeightResource {
  private WeightResource() {}

  /**
   * The tensors, in layer order, named after the layer classes {@link SourceGenerator} gives {@code
   * modelName}'s layers.
   */
  static Map<String, FloatTensor> tensors(LoweredModel model, String modelName) {
    Map<String, FloatTensor> tensors = new LinkedHashMap<>();
    List<String> classNames = SourceGenerator.layerClassNames(model, modelName);
    for (int k = 0; k < model.layers().size(); k++) {
      LoweredLayer layer = model.layers().get(k);
      String name = classNames.get(k);
      if (layer instanceof ConvSpec c) {
        put(tensors, name, c.weights(), c.bias());
      } else if (layer instanceof DenseSpec d) {
        put(tensors, name, d.weights(), d.bias());
      }
    }
    return tensors;
  }

  private static void put(
      Map<String, FloatTensor> tensors, String layer, FloatTensor weight, FloatTensor bias) {
    tensors.put(layer + ".weight", weight);
    if (bias != null) {
      tensors.put(layer + ".bias", bias);
    }
  }

  /** Writes {@code tensors} as an uncompressed {@code .npz} (reproducible: no timestamps). */
  static void write(Path file, Map<String, FloatTensor> tensors) throws IOException {
    java.nio.file.Files.createDirectories(file.getParent());
    NpyWriter.writeNpz(file, tensors, false);
  }
}
