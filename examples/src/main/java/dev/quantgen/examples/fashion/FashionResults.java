package dev.quantgen.examples.fashion;

import dev.quantgen.examples.residual.ResidualFashionResults;
import dev.quantgen.quantize.calibrate.TextTable;
import dev.quantgen.quantize.data.Dataset;
import dev.quantgen.quantize.ptq.FloatModel;
import dev.quantgen.quantize.ptq.PostTrainingQuantizer;
import dev.quantgen.quantize.ptq.PtqConfig;
import dev.quantgen.runtime.model.InferenceSession;
import dev.quantgen.runtime.model.Precision;
import dev.quantgen.runtime.model.QuantizedModel;
import dev.quantgen.training.network.Network;
import dev.quantgen.training.qat.IntegerConversion;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The results table of the Fashion-MNIST MLP (and, from {@link FashionCnnResults} and {@link
 * ResidualFashionResults}, of the CNN and the residual network): FP32, FP16, INT8, INT4 and BINARY
 * after post-training quantization (calibrated on 500 training images) against quantization-aware
 * training (the committed QAT weights), each with its stored parameter size and its accuracy on the
 * full test set, the QAT rows on the integer kernels next to their fake-quant network (whose INT4
 * layers evaluate on the same integer kernels, see {@code IntegerKernelForward}, so those two rows
 * agree by construction; the binary rows agree because the float pass computes the kernels'
 * values).
 *
 * <p>Usage: {@code FashionResults [--data DIR]} (the Debian package's folder by default).
 */
public final class FashionResults {
  static final String MLP_FP32 = "fashion-mlp-784-256-128-10.npz";

  /** Calibration images drawn from the training set for PTQ. */
  static final int CALIBRATION = 500;

  private FashionResults() {}

  public static void main(String[] args) throws IOException {
    Path data =
        args.length == 2 && args[0].equals("--data") ? Path.of(args[1]) : FashionData.DEFAULT_DIR;
    Dataset train = FashionData.train(data);
    Dataset test = FashionData.test(data);
    TextTable table = table(train, test);
    FashionCnnResults.addRows(table, train, test);
    ResidualFashionResults.addRows(table, train, test);
    System.out.println(table.render());
  }

  /** The table's rows, computed on {@code test}. */
  static TextTable table(Dataset train, Dataset test) throws IOException {
    TextTable table =
        new TextTable()
            .column("model", TextTable.Align.LEFT)
            .column("precision", TextTable.Align.LEFT)
            .column("method", TextTable.Align.LEFT)
            .column("kernels", TextTable.Align.LEFT)
            .column("bytes", TextTable.Align.RIGHT)
            .column("accuracy", TextTable.Align.RIGHT)
            .column("vs fp32", TextTable.Align.RIGHT);
    FloatModel fp32 = mlpFloatModel();
    float[] calibration = calibration(train);
    double base = 0;
    for (Precision p : Precision.values()) {
      QuantizedModel model =
          PostTrainingQuantizer.quantize(fp32, PtqConfig.of(p), calibration, CALIBRATION);
      double acc = accuracy(classify(model, test), test);
      if (p == Precision.FP32) {
        base = acc;
      }
      table.row(
          "mlp",
          p.label(),
          p == Precision.FP32 ? "trained" : "ptq",
          model.label(),
          Long.toString(model.parameterBytes()),
          fmt(acc),
          delta(acc, base));
    }
    for (QatModels.Variant v : QatModels.Variant.values()) {
      if (FashionResults.class.getResource(qatFile(v)) == null) {
        table.row("mlp", v.label(), "qat", "(no committed weights)", "", "", "");
        continue;
      }
      Network network = QatModels.load(v, resource(qatFile(v)));
      QuantizedModel model = IntegerConversion.toQuantizedModel(network);
      double acc = accuracy(classify(model, test), test);
      double fake = network.accuracy(test, 2);
      String precision =
          v == QatModels.Variant.INT4
              ? "int4 (int8 act.)"
              : v == QatModels.Variant.BINARY ? "binary" : "binary xnor";
      table.row(
          "mlp",
          precision,
          "qat",
          model.label(),
          Long.toString(model.parameterBytes()),
          fmt(acc),
          delta(acc, base));
      table.row(
          "mlp",
          precision,
          "qat",
          "fake-quant network (evaluated)",
          "",
          fmt(fake),
          delta(fake, base));
    }
    return table;
  }

  static String qatFile(QatModels.Variant v) {
    return "fashion-mlp-qat-" + v.label() + ".npz";
  }

  static FloatModel mlpFloatModel() throws IOException {
    float[][][] wb = QatModels.readMlp(resource(MLP_FP32));
    return FloatModel.mlp(QatModels.SIZES, wb[0], wb[1]);
  }

  /** {@link #CALIBRATION} training images drawn with a fixed seed. */
  static float[] calibration(Dataset train) {
    Dataset drawn = train.shuffled(QatFashionMlp.SEED).subset(0, CALIBRATION);
    float[] x = new float[CALIBRATION * drawn.inputSize()];
    for (int i = 0; i < CALIBRATION; i++) {
      drawn.copyInput(i, x, i * drawn.inputSize());
    }
    return x;
  }

  static double accuracy(int[] predictions, Dataset data) {
    int correct = 0;
    for (int i = 0; i < predictions.length; i++) {
      correct += predictions[i] == data.label(i) ? 1 : 0;
    }
    return (double) correct / predictions.length;
  }

  static String fmt(double v) {
    return String.format(Locale.ROOT, "%.4f", v);
  }

  static String delta(double v, double base) {
    return String.format(Locale.ROOT, "%+.2f", 100 * (v - base));
  }

  /** A file among this package's resources. */
  static Path resource(String name) {
    try {
      return Path.of(FashionResults.class.getResource(name).toURI());
    } catch (URISyntaxException | NullPointerException e) {
      throw new IllegalStateException("missing resource " + name, e);
    }
  }

  /** The integer model's predicted class of every test sample. */
  static int[] classify(QuantizedModel model, Dataset data) {
    InferenceSession session = new InferenceSession(model);
    int[] p = new int[data.size()];
    float[] x = new float[data.inputSize()];
    for (int i = 0; i < p.length; i++) {
      data.copyInput(i, x, 0);
      p[i] = session.classify(x);
    }
    return p;
  }
}
