package dev.quantgen.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.quantgen.cli.demo.FashionData;
import dev.quantgen.cli.demo.FashionPtq;
import dev.quantgen.quantize.calibrate.LayerErrorReport;
import dev.quantgen.quantize.ptq.LayerErrors;
import dev.quantgen.quantize.ptq.PostTrainingQuantizer;
import dev.quantgen.quantize.ptq.PtqConfig;
import dev.quantgen.runtime.model.Precision;
import dev.quantgen.runtime.model.QuantizedModel;
import dev.quantgen.runtime.model.QuantizedModelFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code quantgen calibrate}: post-training quantization of FP32 weights on calibration images,
 * saved as one {@code .qgen} model file, then the per-layer SQNR table and the accuracy of the
 * saved file (loaded back) on the evaluation images. {@code --json} prints one JSON object instead
 * of the text; the progress bar goes to stderr either way.
 */
@Command(
    name = "calibrate",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description =
        "Quantizes FP32 weights after training (post-training quantization) on calibration images, "
            + "writes a .qgen model file and prints each layer's SQNR against FP32.",
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      "0:the model file was written",
      "1:a file could not be read or written, or was malformed",
      "2:usage error (unknown option, bad value, missing file)"
    })
final class CalibrateCommand implements Callable<Integer> {
  /** Evaluation images the per-layer SQNR is measured on, at most. */
  static final int ERROR_SAMPLES = 1_000;

  @Spec private CommandSpec spec;

  @Mixin private ModelOptions modelOptions;

  @Mixin private QuantizationOptions quantization;

  @Option(
      names = "--out",
      paramLabel = "FILE",
      description =
          "The model file to write; default <weights name>-<precision>.qgen in the current folder.")
  private Path out;

  @Option(
      names = "--json",
      description =
          "Print one JSON object (file, sizes, accuracy, per-layer SQNR) instead of "
              + "the tables.")
  private boolean json;

  @Override
  public Integer call() throws Exception {
    return Failures.run("calibrate", spec.commandLine().getErr(), this::calibrate);
  }

  private int calibrate() throws IOException, InterruptedException {
    PrintWriter stdout = spec.commandLine().getOut();
    PrintStream progress = WriterOutputStream.printStream(spec.commandLine().getErr());
    Path file = out != null ? out : Path.of(defaultName());
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      throw new UsageProblem("--out " + file + ": folder " + parent + " does not exist");
    }
    PtqConfig config = quantization.config();
    ModelOptions.Workload w = modelOptions.load();

    QuantizedModel quantized =
        PostTrainingQuantizer.quantize(
            w.model(), config.withProgress(progress), w.calibration(), w.calibrationCount());
    QuantizedModelFiles.save(quantized, file);
    // Report on what a user will load: the file, read back.
    QuantizedModel saved = QuantizedModelFiles.load(file);
    QuantizedModel fp32 =
        PostTrainingQuantizer.quantize(w.model(), PtqConfig.of(Precision.FP32), new float[0], 0);

    float[] inputs = FashionData.inputs(w.evaluation());
    int threads = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
    double accuracy = FashionPtq.accuracy(saved, w.evaluation(), inputs, threads);
    double fp32Accuracy = FashionPtq.accuracy(fp32, w.evaluation(), inputs, threads);
    int errorSamples = Math.min(ERROR_SAMPLES, w.evaluation().size());
    LayerErrorReport errors =
        LayerErrors.measure(
            w.model(),
            saved,
            Arrays.copyOf(inputs, errorSamples * w.model().inputSize()),
            errorSamples);

    Summary s =
        new Summary(
            w,
            file,
            Files.size(file),
            saved,
            fp32.parameterBytes(),
            accuracy,
            fp32Accuracy,
            errorSamples,
            errors);
    if (json) {
      stdout.println(JsonOutput.GSON.toJson(s.toJson(quantization)));
    } else {
      s.print(stdout, quantization);
    }
    stdout.flush();
    return CommandLine.ExitCode.OK;
  }

  private String defaultName() {
    String stem =
        modelOptions.weights == null
            ? "fashion-mlp"
            : modelOptions.weights.getFileName().toString().replaceFirst("\\.[^.]*$", "");
    return stem + "-" + quantization.precision.label() + ".qgen";
  }

  /** What calibration produced, printed as text or JSON. */
  private record Summary(
      ModelOptions.Workload workload,
      Path file,
      long fileBytes,
      QuantizedModel model,
      long fp32Bytes,
      double accuracy,
      double fp32Accuracy,
      int errorSamples,
      LayerErrorReport errors) {

    void print(PrintWriter out, QuantizationOptions q) {
      out.printf(
          Locale.ROOT,
          "calibrate: %s -> %s, activation observer %s, %d calibration samples%n",
          workload.modelName(),
          model.label(),
          QuantizationOptions.name(q.observer),
          workload.calibrationCount());
      out.println("data: " + workload.dataDescription());
      out.printf(
          Locale.ROOT,
          "wrote %s (%,d bytes; parameters %,d bytes, fp32 %,d: %.2fx smaller)%n",
          file,
          fileBytes,
          model.parameterBytes(),
          fp32Bytes,
          (double) fp32Bytes / model.parameterBytes());
      out.printf(
          Locale.ROOT,
          "accuracy on %,d evaluation images: %s %.4f, fp32 %.4f (%+.2f points)%n",
          workload.evaluation().size(),
          model.label(),
          accuracy,
          fp32Accuracy,
          100 * (accuracy - fp32Accuracy));
      out.printf(
          Locale.ROOT,
          "%nper-layer error: SQNR of each layer's output against FP32 on the same inputs "
              + "(%,d evaluation images)%n",
          errorSamples);
      out.print(errors.render());
    }

    JsonObject toJson(QuantizationOptions q) {
      JsonObject o = new JsonObject();
      o.addProperty("command", "calibrate");
      o.addProperty("model", workload.modelName());
      o.addProperty("precision", q.precision.label());
      o.addProperty("label", model.label());
      o.addProperty("observer", QuantizationOptions.name(q.observer));
      o.addProperty("calibration_samples", workload.calibrationCount());
      o.addProperty("data", workload.dataDescription());
      o.addProperty("file", file.toString());
      o.addProperty("file_bytes", fileBytes);
      o.addProperty("parameter_bytes", model.parameterBytes());
      o.addProperty("fp32_parameter_bytes", fp32Bytes);
      o.addProperty("evaluation_images", workload.evaluation().size());
      o.addProperty("accuracy", accuracy);
      o.addProperty("fp32_accuracy", fp32Accuracy);
      o.addProperty("error_samples", errorSamples);
      JsonArray layers = new JsonArray();
      for (LayerErrorReport.Row row : errors.rows()) {
        layers.add(JsonOutput.row(row));
      }
      o.add("layers", layers);
      return o;
    }
  }
}
