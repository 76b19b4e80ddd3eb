package dev.quantgen.maven;

import com.palantir.javapoet.JavaFile;
import dev.quantgen.onnx.ConvSpec;
import dev.quantgen.onnx.DenseSpec;
import dev.quantgen.onnx.GraphLowering;
import dev.quantgen.onnx.LoweredLayer;
import dev.quantgen.onnx.LoweredModel;
import dev.quantgen.onnx.OnnxFormatException;
import dev.quantgen.onnx.OnnxModel;
import dev.quantgen.onnx.SourceGenerator;
import dev.quantgen.runtime.numerics.FloatTensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Imports one ONNX file the way {@code quantgen import} does, for a build: the annotated layer
 * sources, the {@code @Model} interface and the weight binding under the source root, the folded
 * weights as {@code <package folders>/<Model>.npz} under the resource root, then the stamp.
 *
 * <p>Everything is computed in memory first (read, lower, generate), so a model that fails leaves
 * no partial output; an import whose stamp matches the model's bytes and the settings is skipped.
 *
 * <p>Mixed precision: a layer named in {@link ImportSettings#layerPrecisions} gets that precision's
 * {@code @Quantize}, every other layer with weights the model's. The generator writes one precision
 * per call, so it runs once per precision in use and each layer's class is taken from the run with
 * its own precision (the model interface and the weight binding do not depend on it).
 */
public final class ModelImport {
  /** What an import did. */
  public enum Status {
    /** Sources and weights were written. */
    GENERATED,
    /** The stamp matched: nothing was read beyond the model's bytes, nothing written. */
    UP_TO_DATE
  }

  /**
   * The outcome of one import.
   *
   * @param model the ONNX file
   * @param modelClass the qualified name of the {@code @Model} interface
   * @param status generated or up to date
   * @param layers the number of layers (0 when up to date: the model was not lowered)
   * @param files the sources and weight file of this model
   * @param quantized each layer class with weights (so with a {@code @Quantize}) and its precision,
   *     in layer order; from the stamp when up to date
   */
  public record Result(
      Path model,
      String modelClass,
      Status status,
      int layers,
      List<Path> files,
      Map<String, String> quantized) {}

  private ModelImport() {}

  /**
   * Imports {@code onnxFile} as model {@code modelName}.
   *
   * @param taken the files other models of this build already own: writing one of them is a clash
   * @throws ModelImportException if the model cannot be read or lowered, or clashes with another
   * @throws IOException if the output cannot be written
   */
  public static Result run(
      Path onnxFile, String modelName, ImportSettings settings, Set<Path> taken)
      throws ModelImportException, IOException {
    if (!ModelNames.isClassName(modelName)) {
      throw new ModelImportException(
          onnxFile
              + ": model name \""
              + modelName
              + "\" is not a Java class name;"
              + " set <modelName> to one such as Mnist8");
    }
    byte[] bytes = Files.readAllBytes(onnxFile);
    String hash = ImportStamp.hash(bytes, settings.fingerprint(modelName));
    Path stampFile = settings.stampDirectory().resolve(modelName + ".stamp");
    Optional<ImportStamp> previous = ImportStamp.read(stampFile);
    String modelClass = settings.packageName() + "." + modelName;
    if (previous.isPresent()
        && previous.get().upToDate(hash)
        && previous.get().files().stream().noneMatch(taken::contains)) {
      return new Result(
          onnxFile,
          modelClass,
          Status.UP_TO_DATE,
          0,
          previous.get().files(),
          previous.get().quantized());
    }

    LoweredModel lowered = lower(onnxFile, bytes);
    Map<String, String> quantized = new LinkedHashMap<>();
    List<JavaFile> sources = generate(onnxFile, lowered, modelName, settings, quantized);
    Map<String, FloatTensor> weights = WeightResource.tensors(lowered, modelName);
    Path packageFolder = settings.sourceRoot().resolve(settings.packageName().replace('.', '/'));
    Path weightFile =
        settings
            .resourceRoot()
            .resolve(settings.packageName().replace('.', '/'))
            .resolve(modelName + ".npz");
    List<Path> planned = new ArrayList<>();
    for (JavaFile source : sources) {
      planned.add(
          packageFolder.resolve(source.typeSpec().name() + ".java").toAbsolutePath().normalize());
    }
    planned.add(weightFile.toAbsolutePath().normalize());
    for (Path file : planned) {
      if (taken.contains(file)) {
        throw new ModelImportException(
            onnxFile
                + ": would write "
                + file
                + ", which another model of this build"
                + " already generates (two models with a layer or model of the same name in one package): give each"
                + " model its own <packageName> (one plugin <execution> per <onnxDirectory>)");
      }
    }

    if (previous.isPresent()) { // a renamed layer or model must not leave its old source behind
      for (Path old : previous.get().files()) {
        Files.deleteIfExists(old);
      }
    }
    Files.deleteIfExists(stampFile);
    for (JavaFile source : sources) {
      source.writeToPath(settings.sourceRoot());
    }
    WeightResource.write(weightFile, weights);
    new ImportStamp(hash, List.copyOf(planned), quantized).write(stampFile);
    return new Result(
        onnxFile,
        modelClass,
        Status.GENERATED,
        lowered.layers().size(),
        List.copyOf(planned),
        Collections.unmodifiableMap(quantized));
  }

  /**
   * The sources, each layer with weights annotated with its own precision; fills {@code quantized}
   * (layer class to precision, in layer order).
   *
   * @throws ModelImportException if the generator refuses the model, or a {@code <layerPrecisions>}
   *     entry names a layer of this model that has no weights
   */
  private static List<JavaFile> generate(
      Path onnxFile,
      LoweredModel lowered,
      String modelName,
      ImportSettings settings,
      Map<String, String> quantized)
      throws ModelImportException {
    List<String> classes;
    Map<String, List<JavaFile>> byPrecision = new LinkedHashMap<>();
    try {
      classes = SourceGenerator.layerClassNames(lowered, modelName);
      for (int k = 0; k < classes.size(); k++) {
        LoweredLayer layer = lowered.layers().get(k);
        String name = classes.get(k);
        if (layer instanceof ConvSpec || layer instanceof DenseSpec) {
          quantized.put(name, settings.precisionOf(name));
        } else if (settings.layerPrecisions().containsKey(name)) {
          throw new ModelImportException(
              onnxFile
                  + ": <layerPrecisions><"
                  + name
                  + ">: layer "
                  + name
                  + " (from ONNX node "
                  + layer.name()
                  + ") has no weights, so no @Quantize; expected one of the"
                  + " layers with weights: "
                  + String.join(", ", weightedLayers(lowered, classes)));
        }
      }
      byPrecision.put(
          settings.precision(),
          SourceGenerator.generate(
              lowered, settings.packageName(), modelName, settings.precision()));
      for (String precision : quantized.values()) {
        if (!byPrecision.containsKey(precision)) {
          byPrecision.put(
              precision,
              SourceGenerator.generate(lowered, settings.packageName(), modelName, precision));
        }
      }
    } catch (
        IllegalArgumentException
            e) { // UnsupportedOperatorException: a window the annotations cannot express
      throw new ModelImportException(named(onnxFile, e), e);
    }
    List<JavaFile> sources = new ArrayList<>(byPrecision.get(settings.precision()));
    for (int k = 0;
        k < classes.size();
        k++) { // the generator's files: one per layer in order, then the rest
      String precision = quantized.get(classes.get(k));
      if (precision != null) {
        sources.set(k, byPrecision.get(precision).get(k));
      }
    }
    return sources;
  }

  private static List<String> weightedLayers(LoweredModel lowered, List<String> classes) {
    List<String> names = new ArrayList<>();
    for (int k = 0; k < classes.size(); k++) {
      if (lowered.layers().get(k) instanceof ConvSpec
          || lowered.layers().get(k) instanceof DenseSpec) {
        names.add(classes.get(k));
      }
    }
    return names;
  }

  private static LoweredModel lower(Path onnxFile, byte[] bytes) throws ModelImportException {
    try {
      return GraphLowering.lower(
          OnnxModel.parse(bytes, onnxFile.toString(), onnxFile.toAbsolutePath().getParent()));
    } catch (OnnxFormatException | IllegalArgumentException e) {
      // IllegalArgumentException includes UnsupportedOperatorException: its message names the node
      // and operator
      throw new ModelImportException(named(onnxFile, e), e);
    }
  }

  /** The exception's message, led by the file unless it already is. */
  private static String named(Path onnxFile, Exception e) {
    String message = String.valueOf(e.getMessage());
    return message.startsWith(onnxFile.toString()) ? message : onnxFile + ": " + message;
  }
}
