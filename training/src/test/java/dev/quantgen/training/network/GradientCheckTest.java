package dev.quantgen.training.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quantgen.quantize.data.Dataset;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The backward pass against central finite differences of the mean loss. The loss for the
 * differences is computed by an independent double-precision forward pass written here, so float32
 * rounding in the trainer cannot hide (or fake) an error: a wrong ReLU mask, a missing bias term or
 * a transposed index changes a gradient by far more than the tolerance.
 */
class GradientCheckTest {
  private static final int[] SIZES = {5, 7, 6, 4};
  private static final int N = 9; // an odd batch, cut into shards 4 + 5

  private static double meanLoss(int[] sizes, double[][] w, double[][] b, Dataset data) {
    double total = 0;
    for (int s = 0; s < data.size(); s++) {
      double[] a = new double[sizes[0]];
      float[] x = data.input(s);
      for (int i = 0; i < a.length; i++) {
        a[i] = x[i];
      }
      for (int l = 0; l < w.length; l++) {
        double[] z = new double[sizes[l + 1]];
        for (int o = 0; o < z.length; o++) {
          z[o] = b[l][o];
          for (int k = 0; k < a.length; k++) {
            z[o] += w[l][o * a.length + k] * a[k];
          }
          if (l < w.length - 1) {
            z[o] = Math.max(0, z[o]);
          }
        }
        a = z;
      }
      double max = Double.NEGATIVE_INFINITY;
      for (double v : a) {
        max = Math.max(max, v);
      }
      double sum = 0;
      for (double v : a) {
        sum += Math.exp(v - max);
      }
      total += Math.log(sum) - (a[data.label(s)] - max);
    }
    return total / data.size();
  }

  @Test
  void backwardPassMatchesFiniteDifferences() {
    Random r = new Random(11);
    float[] x = new float[N * SIZES[0]];
    int[] y = new int[N];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    for (int i = 0; i < N; i++) {
      y[i] = r.nextInt(SIZES[SIZES.length - 1]);
    }
    Dataset data = Dataset.of(x, SIZES[0], y, SIZES[SIZES.length - 1]);
    Mlp model = Mlp.heInit(5, SIZES);
    for (int l = 0; l < model.layers(); l++) {
      for (int o = 0; o < model.biases[l].length; o++) {
        model.biases[l][o] =
            (float) (0.1 * r.nextGaussian()); // non-zero biases, so their gradient matters
      }
    }
    float[][] weightsT = new float[model.layers()][];
    for (int l = 0; l < model.layers(); l++) {
      weightsT[l] = new float[SIZES[l] * SIZES[l + 1]];
      TrainingLoops.transpose(model.weights[l], SIZES[l + 1], SIZES[l], weightsT[l]);
    }
    int[] batch = new int[N];
    for (int i = 0; i < N; i++) {
      batch[i] = i;
    }
    // Two shards, as the trainer runs them, summed in order.
    ShardPass first = new ShardPass(SIZES, 5);
    ShardPass second = new ShardPass(SIZES, 5);
    first.run(model, weightsT, data, batch, 0, 4, N);
    second.run(model, weightsT, data, batch, 4, N, N);

    double[][] w = new double[model.layers()][];
    double[][] b = new double[model.layers()][];
    for (int l = 0; l < model.layers(); l++) {
      w[l] = new double[model.weights[l].length];
      b[l] = new double[model.biases[l].length];
      for (int i = 0; i < w[l].length; i++) {
        w[l][i] = model.weights[l][i];
      }
      for (int i = 0; i < b[l].length; i++) {
        b[l][i] = model.biases[l][i];
      }
    }
    assertEquals(
        meanLoss(SIZES, w, b, data), (first.lossSum + second.lossSum) / N, 1e-5, "the loss itself");
    double h = 1e-6;
    int checked = 0;
    for (int l = 0; l < model.layers(); l++) {
      for (double[][] params : new double[][][] {w, b}) {
        boolean isWeight = params == w;
        for (int i = 0; i < params[l].length; i++) {
          double saved = params[l][i];
          params[l][i] = saved + h;
          double plus = meanLoss(SIZES, w, b, data);
          params[l][i] = saved - h;
          double minus = meanLoss(SIZES, w, b, data);
          params[l][i] = saved;
          double numeric = (plus - minus) / (2 * h);
          double analytic =
              isWeight
                  ? first.weightGrads[l][i] + second.weightGrads[l][i]
                  : first.biasGrads[l][i] + second.biasGrads[l][i];
          assertTrue(
              Math.abs(analytic - numeric) <= 1e-5 + 1e-3 * Math.abs(numeric),
              "layer "
                  + l
                  + (isWeight ? " weight " : " bias ")
                  + i
                  + ": analytic "
                  + analytic
                  + ", numeric "
                  + numeric);
          checked++;
        }
      }
    }
    assertEquals(5 * 7 + 7 + 7 * 6 + 6 + 6 * 4 + 4, checked);
  }
}
