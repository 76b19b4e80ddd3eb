package dev.quantgen.cli;

import com.google.gson.JsonObject;
import dev.quantgen.cli.onnx.GeneratedModel;
import dev.quantgen.cli.onnx.IdxTestSet;
import dev.quantgen.cli.onnx.ModelSources;
import dev.quantgen.onnx.ConvSpec;
import dev.quantgen.onnx.DenseSpec;
import dev.quantgen.onnx.GraphLowering;
import dev.quantgen.onnx.LoweredLayer;
import dev.quantgen.onnx.LoweredModel;
import dev.quantgen.onnx.OnnxModel;
import dev.quantgen.onnx.QdqImporter;
import dev.quantgen.onnx.QdqModel;
import dev.quantgen.quantize.data.Idx;
import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.Shape;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code quantgen eval}: the accuracy of any supported ONNX model on generated kernels, without a
 * rebuild. The model's sources are generated into a temporary folder, compiled in-process with the
 * quantgen processor and loaded; INT8 calibrates its activations on the first {@code --samples}
 * images. Accuracy is reported on all evaluated images and on those not used for calibration.
 */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description =
        "Generates, compiles and loads an ONNX model's kernels in-process, calibrates them and prints "
            + "the accuracy on an IDX test set (MNIST layout).",
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      "0:the accuracy was printed",
      "1:a file could not be read or was malformed, an unsupported operator, or the generated sources did not "
          + "compile",
      "2:usage error (unknown option, bad value)"
    })
final class EvalCommand implements Callable<Integer> {
  @Spec private CommandSpec spec;

  @Option(
      names = "--model",
      required = true,
      paramLabel = "MODEL.onnx",
      description = "The ONNX model.")
  private Path model;

  @Option(
      names = "--data",
      required = true,
      paramLabel = "DIR",
      description =
          "A folder with "
              + IdxTestSet.IMAGES
              + " and "
              + IdxTestSet.LABELS
              + "; pixels are divided by 255.")
  private Path data;

  @Option(
      names = "--precision",
      defaultValue = "int8",
      paramLabel = "fp32|fp16|int8|int4|binary|as-is",
      description =
          "fp32; fp16 (binary16 weights); static int8, or int4 weights with static int8 activations "
              + "(per-tensor activations calibrated on --samples images); binary (sign weights scaled by mean|w|, "
              + "float activations); as-is: a pre-quantized QDQ model with its own scales and zero points, no "
              + "calibration, on the reference static int8 layers; default ${DEFAULT-VALUE}.")
  private String precision;

  @Option(
      names = "--samples",
      defaultValue = "300",
      paramLabel = "N",
      description =
          "INT8 and INT4 calibration images, the first N of the set; default ${DEFAULT-VALUE}.")
  private int samples;

  @Option(
      names = "--images",
      paramLabel = "N",
      description =
          "Evaluate on the first N images only (only those are "
              + "read from the files); default all, at most "
              + Idx.MAX_ELEMENTS
              + " pixels.")
  private Integer images;

  @Option(names = "--json", description = "Print one JSON object instead of the text.")
  private boolean json;

  @Override
  public Integer call() throws Exception {
    return Failures.run("eval", spec.commandLine().getErr(), this::eval);
  }

  private int eval() throws IOException {
    EvalPrecision chosen = EvalPrecision.parse(precision);
    boolean calibrated = chosen.calibrated();
    if (!Files.isDirectory(data)) {
      throw new UsageProblem(
          "--data "
              + data
              + ": not a folder, expected one with "
              + IdxTestSet.IMAGES
              + " and "
              + IdxTestSet.LABELS);
    }
    if (chosen == EvalPrecision.AS_IS) {
      return evalAsIs();
    }
    LoweredModel lowered = GraphLowering.lower(OnnxModel.read(model));
    if (images != null && images < 1) {
      throw new UsageProblem(
          "--images " + images + ": expected 1 or more (the images to evaluate)");
    }
    // Only the images asked for are read and converted: a small gzip file may expand to gigabytes.
    IdxTestSet set = IdxTestSet.read(data, images == null ? Integer.MAX_VALUE : images);
    int count = images == null ? set.size() : images;
    if (count < 1 || count > set.size()) {
      throw new UsageProblem(
          "--images " + count + ": expected 1.." + set.size() + " (the images in " + data + ")");
    }
    if (calibrated && (samples < 1 || samples > count)) {
      throw new UsageProblem(
          "--samples " + samples + ": expected 1.." + count + " (the evaluated images)");
    }
    int calibration = calibrated ? samples : 0;

    Path work = Files.createTempDirectory("quantgen-eval");
    try {
      long start = System.nanoTime();
      try (GeneratedModel generated =
          GeneratedModel.build(lowered, ModelSources.modelName(model), work, chosen.annotation())) {
        double compileSeconds = (System.nanoTime() - start) / 1e9;
        if (generated.inputSize() != set.images()[0].length) {
          throw new IllegalArgumentException(
              "--data "
                  + data
                  + ": images of "
                  + set.images()[0].length
                  + " pixels, expected "
                  + generated.inputSize()
                  + " (the input of "
                  + model.getFileName()
                  + ")");
        }
        set.requireLabelsBelow(generated.outputSize(), data, model.getFileName().toString());
        UnaryOperator<float[]> forward =
            switch (chosen) {
              case FP32 -> generated.fp32();
              case INT8, INT4 -> generated.int8(List.of(set.images()).subList(0, calibration));
              default -> generated.floats();
            };
        boolean[] wrong = wrong(forward, set, count);
        Result r =
            new Result(
                model.getFileName().toString(),
                chosen.label(),
                count,
                calibration,
                errors(wrong, 0, count),
                errors(wrong, calibration, count),
                modelBytes(lowered, chosen),
                modelBytes(lowered, EvalPrecision.FP32),
                compileSeconds);
        PrintWriter out = spec.commandLine().getOut();
        out.println(json ? JsonOutput.GSON.toJson(r.toJson()) : r.text());
        out.flush();
      }
    } finally {
      deleteTree(work);
    }
    return CommandLine.ExitCode.OK;
  }

  /**
   * {@code --precision as-is}: the QDQ model's own quantization ({@link QdqImporter}), no
   * calibration and no generated sources: it runs on the reference static INT8 layers.
   */
  private int evalAsIs() throws IOException {
    QdqModel qdq = QdqImporter.importModel(OnnxModel.read(model));
    if (images != null && images < 1) {
      throw new UsageProblem(
          "--images " + images + ": expected 1 or more (the images to evaluate)");
    }
    IdxTestSet set = IdxTestSet.read(data, images == null ? Integer.MAX_VALUE : images);
    int count = images == null ? set.size() : images;
    if (count < 1 || count > set.size()) {
      throw new UsageProblem(
          "--images " + count + ": expected 1.." + set.size() + " (the images in " + data + ")");
    }
    int inputSize = qdq.inputShape().size();
    int classes = qdq.outputShape().size();
    if (inputSize != set.images()[0].length) {
      throw new IllegalArgumentException(
          "--data "
              + data
              + ": images of "
              + set.images()[0].length
              + " pixels, expected "
              + inputSize
              + " (the input of "
              + model.getFileName()
              + ")");
    }
    set.requireLabelsBelow(classes, data, model.getFileName().toString());
    long start = System.nanoTime();
    boolean[] wrong = new boolean[count];
    int batch = 256;
    IntStream.range(0, (count + batch - 1) / batch)
        .parallel()
        .forEach(
            b -> {
              int from = b * batch;
              int to = Math.min(count, from + batch);
              float[] x = new float[(to - from) * inputSize];
              for (int n = from; n < to; n++) {
                System.arraycopy(set.images()[n], 0, x, (n - from) * inputSize, inputSize);
              }
              int[] dims = new int[qdq.inputShape().rank() + 1];
              dims[0] = to - from;
              System.arraycopy(qdq.inputShape().dims(), 0, dims, 1, qdq.inputShape().rank());
              FloatTensor y = qdq.run(FloatTensor.of(Shape.of(dims), x));
              for (int n = from; n < to; n++) {
                float[] row = new float[classes];
                for (int c = 0; c < classes; c++) {
                  row[c] = y.get((n - from) * classes + c);
                }
                wrong[n] = argmax(row) != set.labels()[n];
              }
            });
    double seconds = (System.nanoTime() - start) / 1e9;
    int errors = errors(wrong, 0, count);
    double accuracy = 1.0 - (double) errors / count;
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      JsonObject o = new JsonObject();
      o.addProperty("command", "eval");
      o.addProperty("model", model.getFileName().toString());
      o.addProperty("precision", EvalPrecision.AS_IS.label());
      o.addProperty("images", count);
      o.addProperty("errors", errors);
      o.addProperty("accuracy", accuracy);
      o.addProperty("calibration_samples", 0);
      o.addProperty("layers", qdq.layers().size());
      o.addProperty("run_seconds", seconds);
      out.println(JsonOutput.GSON.toJson(o));
    } else {
      out.printf(
          Locale.ROOT,
          "eval: %s as-is (its own QDQ scales and zero points, no calibration) on the reference"
              + " static int8 layers%n",
          model.getFileName());
      for (QdqModel.Layer layer : qdq.layers()) {
        out.printf(Locale.ROOT, "  %s: %s%n", layer.name(), layer.description());
      }
      out.printf(
          Locale.ROOT, "accuracy on %,d images: %.4f (%,d errors)%n", count, accuracy, errors);
    }
    out.flush();
    return CommandLine.ExitCode.OK;
  }

  /**
   * Which of the first {@code count} images the model gets wrong (argmax of its output, first
   * maximum wins).
   */
  private static boolean[] wrong(UnaryOperator<float[]> forward, IdxTestSet set, int count) {
    boolean[] wrong = new boolean[count];
    IntStream.range(0, count)
        .parallel()
        .forEach(n -> wrong[n] = argmax(forward.apply(set.images()[n])) != set.labels()[n]);
    return wrong;
  }

  private static int errors(boolean[] wrong, int from, int to) {
    int errors = 0;
    for (int n = from; n < to; n++) {
      errors += wrong[n] ? 1 : 0;
    }
    return errors;
  }

  private static int argmax(float[] output) {
    int best = 0;
    for (int i = 1; i < output.length; i++) {
      if (output[i] > output[best]) {
        best = i;
      }
    }
    return best;
  }

  /**
   * Parameter bytes as the kernels store them: each output channel's weight row at the precision's
   * width ({@link EvalPrecision#rowBytes}: INT4 rows and BINARY rows of 64-bit words padded),
   * biases at 4 bytes (int32 or float32). Scales, alphas and zero points are not counted.
   */
  static long modelBytes(LoweredModel model, EvalPrecision precision) {
    long bytes = 0;
    for (LoweredLayer layer : model.layers()) {
      FloatTensor w =
          layer instanceof ConvSpec c
              ? c.weights()
              : layer instanceof DenseSpec d ? d.weights() : null;
      FloatTensor b =
          layer instanceof ConvSpec c ? c.bias() : layer instanceof DenseSpec d ? d.bias() : null;
      if (w != null) {
        int rows = w.shape().dim(0);
        bytes += (long) rows * precision.rowBytes(w.shape().size() / rows);
      }
      bytes += b == null ? 0 : (long) b.shape().size() * 4;
    }
    return bytes;
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /** One evaluation, printed as text or JSON. */
  private record Result(
      String model,
      String precision,
      int images,
      int calibration,
      int errors,
      int heldoutErrors,
      long modelBytes,
      long fp32Bytes,
      double compileSeconds) {
    double accuracy() {
      return 1.0 - (double) errors / images;
    }

    int heldout() {
      return images - calibration;
    }

    Double heldoutAccuracy() {
      return heldout() == 0 ? null : 1.0 - (double) heldoutErrors / heldout();
    }

    String text() {
      StringBuilder s = new StringBuilder();
      s.append(
          String.format(
              Locale.ROOT,
              "eval: %s at %s on generated kernels (compiled in-process in %.1f s)%n",
              model,
              precision,
              compileSeconds));
      if (calibration > 0) {
        s.append(
            String.format(
                Locale.ROOT,
                "calibration: static activations on the first %,d images%n",
                calibration));
      }
      s.append(
          String.format(Locale.ROOT, "parameters: %,d bytes (fp32 %,d)%n", modelBytes, fp32Bytes));
      s.append(
          String.format(
              Locale.ROOT,
              "accuracy on %,d images: %.4f (%,d errors)",
              images,
              accuracy(),
              errors));
      if (calibration > 0 && heldout() > 0) {
        s.append(
            String.format(
                Locale.ROOT,
                "%naccuracy on the %,d not used for calibration: %.4f (%,d errors)",
                heldout(),
                heldoutAccuracy(),
                heldoutErrors));
      }
      return s.toString();
    }

    JsonObject toJson() {
      JsonObject o = new JsonObject();
      o.addProperty("command", "eval");
      o.addProperty("model", model);
      o.addProperty("precision", precision);
      o.addProperty("images", images);
      o.addProperty("errors", errors);
      o.addProperty("accuracy", accuracy());
      o.addProperty("calibration_samples", calibration);
      o.addProperty("heldout_images", heldout());
      o.addProperty("heldout_accuracy", heldoutAccuracy());
      o.addProperty("model_bytes", modelBytes);
      o.addProperty("fp32_model_bytes", fp32Bytes);
      o.addProperty("compile_seconds", compileSeconds);
      return o;
    }
  }
}
