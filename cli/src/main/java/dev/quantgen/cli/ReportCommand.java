package dev.quantgen.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import dev.quantgen.cli.report.HtmlReport;
import dev.quantgen.cli.report.ModelReport;
import dev.quantgen.cli.report.ReportAnalysis;
import dev.quantgen.quantize.ptq.PostTrainingQuantizer;
import dev.quantgen.quantize.ptq.PtqConfig;
import dev.quantgen.runtime.model.QuantizedModel;
import dev.quantgen.runtime.model.QuantizedModelFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code quantgen report}: one self-contained HTML page about a quantized model (per-layer
 * precision, size and SQNR; activation histograms with their clipping ranges; accuracy against size
 * at every precision), then a one-line summary, or a JSON summary with {@code --json}.
 */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description =
        "Writes one self-contained HTML report (inline SVG charts, no script, no network) about a "
            + "quantized model: per-layer precision, size and SQNR, activation histograms with the calibrated clipping "
            + "ranges, and accuracy against model size at every precision.",
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      "0:the report was written",
      "1:a file could not be read or written, or was malformed",
      "2:usage error (unknown option, bad value, missing file)"
    })
final class ReportCommand implements Callable<Integer> {
  @Spec private CommandSpec spec;

  @Mixin private ModelOptions modelOptions;

  @Mixin private QuantizationOptions quantization;

  @Option(
      names = "--model",
      paramLabel = "FILE.qgen",
      description =
          "Report on this model file (written by calibrate from the same FP32 weights) instead of "
              + "calibrating one at --precision. Give the --observer, --samples and --data it was calibrated with: the "
              + "file stores the int8 ranges (drawn dashed), not how they were found (drawn shaded).")
  private Path modelFile;

  @Option(
      names = "--out",
      paramLabel = "FILE",
      defaultValue = "quantgen-report.html",
      description = "The HTML file to write; default ${DEFAULT-VALUE}.")
  private Path out;

  @Option(
      names = "--json",
      description = "Print a JSON summary of the report's numbers instead of one line.")
  private boolean json;

  @Override
  public Integer call() throws Exception {
    return Failures.run("report", spec.commandLine().getErr(), this::report);
  }

  private int report() throws IOException, InterruptedException {
    PrintStream progress = WriterOutputStream.printStream(spec.commandLine().getErr());
    Path parent = out.toAbsolutePath().getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      throw new UsageProblem("--out " + out + ": folder " + parent + " does not exist");
    }
    if (modelFile != null) {
      ModelOptions.requireFile("--model", modelFile);
    }
    ModelOptions.Workload w = modelOptions.load();
    PtqConfig config = quantization.config();
    QuantizedModel detail;
    String source;
    if (modelFile != null) {
      detail = QuantizedModelFiles.load(modelFile);
      source = "read from " + modelFile.getFileName();
    } else {
      detail =
          PostTrainingQuantizer.quantize(
              w.model(), config.withProgress(progress), w.calibration(), w.calibrationCount());
      source = "post-training quantization on " + w.calibrationCount() + " calibration samples";
    }
    String observer = QuantizationOptions.name(quantization.observer);
    ModelReport report =
        new ReportAnalysis(w.model(), w.calibration(), w.calibrationCount(), w.evaluation())
            .analyze(
                detail,
                new ReportAnalysis.Labels(w.modelName(), w.dataDescription(), source, observer),
                quantization.activationSpec(),
                config.batchSize(),
                p -> quantization.config(p),
                progress);
    byte[] html = HtmlReport.render(report).getBytes(StandardCharsets.UTF_8);
    Files.write(out, html);

    PrintWriter stdout = spec.commandLine().getOut();
    if (json) {
      stdout.println(JsonOutput.GSON.toJson(toJson(report, html.length)));
    } else {
      stdout.printf(
          Locale.ROOT,
          "wrote %s (%,d bytes): %s, %,d parameter bytes, accuracy %.2f%% on %,d images, "
              + "end-to-end SQNR %s dB%n",
          out,
          html.length,
          report.modelLabel(),
          report.parameterBytes(),
          100 * report.accuracy(),
          report.evaluationImages(),
          dbText(report.endToEnd().sqnrDb()));
    }
    stdout.flush();
    return CommandLine.ExitCode.OK;
  }

  private static String dbText(double db) {
    return Double.isInfinite(db) ? "inf" : String.format(Locale.ROOT, "%.2f", db);
  }

  private JsonObject toJson(ModelReport r, int htmlBytes) {
    JsonObject o = new JsonObject();
    o.addProperty("command", "report");
    o.addProperty("file", out.toString());
    o.addProperty("file_bytes", htmlBytes);
    o.addProperty("model", r.modelName());
    o.addProperty("label", r.modelLabel());
    o.addProperty("source", r.modelSource());
    o.addProperty("observer", r.observer());
    o.addProperty("calibration_samples", r.calibrationSamples());
    o.addProperty("evaluation_images", r.evaluationImages());
    o.addProperty("parameter_bytes", r.parameterBytes());
    o.addProperty("accuracy", r.accuracy());
    JsonArray layers = new JsonArray();
    for (ModelReport.Layer l : r.layers()) {
      layers.add(layer(l));
    }
    o.add("layers", layers);
    o.add("model_error", layer(r.endToEnd()));
    JsonArray boundaries = new JsonArray();
    for (ModelReport.Boundary b : r.boundaries()) {
      JsonObject j = new JsonObject();
      j.addProperty("name", b.name());
      j.addProperty("min", b.min());
      j.addProperty("max", b.max());
      j.addProperty("clip_lo", b.clipLo());
      j.addProperty("clip_hi", b.clipHi());
      j.add(
          "int8_range",
          b.grid()
              .<com.google.gson.JsonElement>map(
                  g -> {
                    JsonArray range = new JsonArray();
                    range.add(g.lo());
                    range.add(g.hi());
                    return range;
                  })
              .orElse(JsonNull.INSTANCE));
      boundaries.add(j);
    }
    o.add("boundaries", boundaries);
    JsonArray precisions = new JsonArray();
    for (ModelReport.PrecisionPoint p : r.precisions()) {
      JsonObject j = new JsonObject();
      j.addProperty("label", p.label());
      j.addProperty("parameter_bytes", p.parameterBytes());
      j.addProperty("accuracy", p.accuracy());
      precisions.add(j);
    }
    o.add("precisions", precisions);
    o.add("sensitivity", JsonNull.INSTANCE);
    return o;
  }

  private static JsonObject layer(ModelReport.Layer l) {
    JsonObject j = new JsonObject();
    j.addProperty("layer", l.name());
    j.addProperty("precision", l.precision());
    j.addProperty("parameter_bytes", l.parameterBytes());
    j.add("sqnr_db", JsonOutput.number(l.sqnrDb()));
    j.add("max_abs_error", JsonOutput.number(l.maxAbsError()));
    return j;
  }
}
