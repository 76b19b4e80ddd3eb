package dev.quantgen.cli;

import dev.quantgen.cli.demo.FashionData;
import dev.quantgen.cli.demo.FashionPtq;
import dev.quantgen.quantize.data.Dataset;
import dev.quantgen.quantize.data.Idx;
import dev.quantgen.quantize.ptq.FloatLayer;
import dev.quantgen.quantize.ptq.FloatModel;
import dev.quantgen.quantize.weights.WeightSource;
import dev.quantgen.runtime.layer.DenseWeights;
import dev.quantgen.runtime.numerics.Activation;
import dev.quantgen.runtime.numerics.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The options that say which FP32 model and which images a command works on, shared by {@code
 * calibrate} and {@code report} as a picocli mixin. By default: the embedded Fashion-MNIST MLP
 * 784-256-128-10 and the embedded 2,000 test images, of which the first {@code --samples} calibrate
 * and the rest are the evaluation set.
 */
final class ModelOptions {
  /** The default number of calibration samples: a few hundred, as the literature recommends. */
  static final int DEFAULT_SAMPLES = FashionPtq.CALIBRATION_SAMPLES;

  @Option(
      names = "--weights",
      paramLabel = "FILE",
      description =
          "FP32 weights (.npz, .npy or .safetensors) of a dense ReLU model, tensors <name>.weight "
              + "[out, in] and optionally <name>.bias [out]. Needs --layers. Default: the embedded Fashion-MNIST "
              + "MLP 784-256-128-10.")
  Path weights;

  @Option(
      names = "--layers",
      paramLabel = "SIZES",
      split = ",",
      description =
          "Layer sizes from input to output, e.g. 784,256,128,10 (ReLU after every layer but the last).")
  int[] layers;

  @Option(
      names = "--layer-names",
      paramLabel = "NAMES",
      split = ",",
      description =
          "Tensor name prefix of each layer; default fc1,fc2,... (PyTorch attributes named fc1, fc2).")
  String[] layerNames;

  @Option(
      names = "--data",
      paramLabel = "DIR",
      description =
          "Folder of IDX files (MNIST layout, optionally gzipped): t10k-images/labels are the evaluation "
              + "set; train-images, when present, supplies the calibration samples (seeded draw). Default: the "
              + "embedded 2,000 Fashion-MNIST test images. With the Debian dataset: --data "
              + "/usr/share/datasets/fashion-mnist.")
  Path data;

  @Option(
      names = "--samples",
      paramLabel = "N",
      defaultValue = "" + DEFAULT_SAMPLES,
      description = "Calibration samples; default ${DEFAULT-VALUE}.")
  int samples;

  /** The FP32 model, calibration samples and evaluation set a command works on. */
  record Workload(
      FloatModel model,
      String modelName,
      float[] calibration,
      int calibrationCount,
      Dataset evaluation,
      String dataDescription) {}

  /**
   * Loads the model and the data.
   *
   * @throws UsageProblem for options that do not fit together or name missing files
   * @throws IOException for a file that cannot be read or is malformed
   */
  Workload load() throws IOException {
    if (samples < 1) {
      throw new UsageProblem("--samples is " + samples + ", expected >= 1");
    }
    FloatModel model;
    String modelName;
    if (weights == null) {
      if (layers != null || layerNames != null) {
        throw new UsageProblem(
            "--layers and --layer-names describe a --weights file; without --weights the embedded "
                + "model 784-256-128-10 is used");
      }
      model = FashionData.model();
      modelName = "Fashion-MNIST MLP 784-256-128-10 (embedded weights)";
    } else {
      model = loadWeights();
      modelName = weights.getFileName() + " " + joined(layers);
    }
    Workload w = data == null ? embedded(model, modelName) : fromDirectory(model, modelName);
    if (w.evaluation().inputSize() != model.inputSize()) {
      throw new UsageProblem(
          "--layers: the model takes "
              + model.inputSize()
              + " inputs, but the images have "
              + w.evaluation().inputSize()
              + " pixels");
    }
    if (model.outputSize() < w.evaluation().numClasses()) {
      throw new UsageProblem(
          "--layers: the model has "
              + model.outputSize()
              + " outputs, expected at least the "
              + w.evaluation().numClasses()
              + " classes of the labels");
    }
    return w;
  }

  private FloatModel loadWeights() throws IOException {
    requireFile("--weights", weights);
    if (layers == null || layers.length < 2) {
      throw new UsageProblem(
          "--weights needs --layers with at least two sizes (input and output), e.g. "
              + "--layers 784,256,128,10; got "
              + (layers == null ? "none" : joined(layers)));
    }
    for (int size : layers) {
      if (size < 1) {
        throw new UsageProblem("--layers is " + joined(layers) + ", expected sizes >= 1");
      }
    }
    int n = layers.length - 1;
    if (layerNames != null && layerNames.length != n) {
      throw new UsageProblem(
          "--layer-names has "
              + layerNames.length
              + " names "
              + Arrays.toString(layerNames)
              + ", expected one per layer: "
              + n
              + " for --layers "
              + joined(layers));
    }
    List<FloatLayer> result = new ArrayList<>();
    try (WeightSource source = WeightSource.open(weights)) {
      for (int k = 0; k < n; k++) {
        String name = layerNames == null ? "fc" + (k + 1) : layerNames[k];
        float[] w =
            source.get(name, name + ".weight", Shape.of(layers[k + 1], layers[k])).toArray();
        float[] b =
            source.names().contains(name + ".bias")
                ? source.get(name, name + ".bias", Shape.of(layers[k + 1])).toArray()
                : null;
        Activation act = k < n - 1 ? Activation.RELU : Activation.NONE;
        result.add(new FloatLayer(name, DenseWeights.of(layers[k], layers[k + 1], w, b), act));
      }
    }
    return FloatModel.of(result);
  }

  /** The embedded test images: the first {@code samples} calibrate, the rest evaluate. */
  private Workload embedded(FloatModel model, String modelName) throws IOException {
    Dataset all = FashionData.embeddedTestSubset();
    requireSplit(all.size(), "the embedded " + all.size() + " test images");
    float[] calibration = FashionData.inputs(all.subset(0, samples));
    Dataset evaluation = all.subset(samples, all.size());
    return new Workload(
        model,
        modelName,
        calibration,
        samples,
        evaluation,
        String.format(
            Locale.ROOT,
            "embedded Fashion-MNIST test subset: images 0..%d calibrate, the other %,d evaluate",
            samples - 1,
            evaluation.size()));
  }

  /** An IDX folder: the training images calibrate when present, else the first test images do. */
  private Workload fromDirectory(FloatModel model, String modelName) throws IOException {
    if (!Files.isDirectory(data)) {
      throw new UsageProblem("--data " + data + " is not a directory");
    }
    Path testImages = idx("t10k-images-idx3-ubyte");
    Path testLabels = idx("t10k-labels-idx1-ubyte");
    Dataset test = Dataset.of(Idx.readImages(testImages), Idx.readLabels(testLabels), 10);
    Optional<Path> train = find("train-images-idx3-ubyte");
    if (train.isPresent()) {
      var images = Idx.readImages(train.get());
      if (samples > images.count()) {
        throw new UsageProblem(
            "--samples is "
                + samples
                + ", expected at most the "
                + images.count()
                + " training images of "
                + data);
      }
      return new Workload(
          model,
          modelName,
          FashionPtq.calibrationSamples(images, samples),
          samples,
          test,
          String.format(
              Locale.ROOT,
              "%s: %,d test images evaluate, %d training images (seeded draw) calibrate",
              data,
              test.size(),
              samples));
    }
    requireSplit(test.size(), "the " + test.size() + " test images of " + data);
    Dataset evaluation = test.subset(samples, test.size());
    return new Workload(
        model,
        modelName,
        FashionData.inputs(test.subset(0, samples)),
        samples,
        evaluation,
        String.format(
            Locale.ROOT,
            "%s (no training images): test images 0..%d calibrate, the other %,d evaluate",
            data,
            samples - 1,
            evaluation.size()));
  }

  private void requireSplit(int size, String what) {
    if (samples >= size) {
      throw new UsageProblem(
          "--samples is "
              + samples
              + ", expected fewer than "
              + what
              + " (the rest is the evaluation set)");
    }
  }

  private Path idx(String stem) {
    return find(stem)
        .orElseThrow(
            () ->
                new UsageProblem(
                    "--data " + data + " has no " + stem + " or " + stem + ".gz file"));
  }

  private Optional<Path> find(String stem) {
    for (String name : new String[] {stem + ".gz", stem}) {
      Path p = data.resolve(name);
      if (Files.isRegularFile(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** A usage problem unless {@code file} is a readable regular file. */
  static void requireFile(String option, Path file) {
    if (!Files.isRegularFile(file)) {
      throw new UsageProblem(option + " " + file + " is not a file");
    }
    if (!Files.isReadable(file)) {
      throw new UsageProblem(option + " " + file + " is not readable");
    }
  }

  private static String joined(int[] sizes) {
    return Arrays.stream(sizes)
        .mapToObj(Integer::toString)
        .reduce((a, b) -> a + "," + b)
        .orElse("");
  }
}
