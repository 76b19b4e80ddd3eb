package dev.quantgen.runtime.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.quantgen.quantize.ptq.FloatLayer;
import dev.quantgen.quantize.ptq.FloatModel;
import dev.quantgen.runtime.layer.DenseWeights;
import dev.quantgen.runtime.numerics.Activation;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Seeded random models and samples, and exact comparisons of prepared layers. */
public final class TestModels {
  private TestModels() {}

  /** Layers of the given sizes, ReLU between them, weights ~ N(0, 1/in), biases ~ N(0, 0.1). */
  public static FloatModel random(long seed, int... sizes) {
    Random r = new Random(seed);
    List<FloatLayer> layers = new ArrayList<>();
    for (int l = 0; l + 1 < sizes.length; l++) {
      int in = sizes[l];
      int out = sizes[l + 1];
      float[] w = new float[in * out];
      float[] b = new float[out];
      for (int i = 0; i < w.length; i++) {
        w[i] = (float) (r.nextGaussian() / Math.sqrt(in));
      }
      for (int c = 0; c < out; c++) {
        b[c] = (float) (0.1 * r.nextGaussian());
      }
      Activation act = l + 2 < sizes.length ? Activation.RELU : Activation.NONE;
      layers.add(new FloatLayer("fc" + (l + 1), DenseWeights.of(in, out, w, b), act));
    }
    return FloatModel.of(layers);
  }

  /** {@code count} samples of {@code size} values uniform in [0, 1). */
  public static float[] samples(long seed, int count, int size) {
    Random r = new Random(seed);
    float[] x = new float[count * size];
    for (int i = 0; i < x.length; i++) {
      x[i] = r.nextFloat();
    }
    return x;
  }

  /** One sample with values in [-2, 2) (negative values exercise the dynamic zero point). */
  public static float[] signedSample(Random r, int size) {
    float[] x = new float[size];
    for (int i = 0; i < size; i++) {
      x[i] = 4 * r.nextFloat() - 2;
    }
    return x;
  }

  /** Asserts that two models have the same layers, parameter for parameter, bit for bit. */
  public static void assertSameModel(QuantizedModel expected, QuantizedModel actual) {
    assertEquals(expected.size(), actual.size());
    for (int k = 0; k < expected.size(); k++) {
      assertEquals(
          QuantizedModelFiles.toModelFile(QuantizedModel.of(List.of(expected.layer(k)))),
          QuantizedModelFiles.toModelFile(QuantizedModel.of(List.of(actual.layer(k)))),
          "layer " + k);
    }
  }

  /** Asserts bit-identical outputs of two models on {@code count} inputs. */
  public static void assertSameOutputs(
      QuantizedModel a, QuantizedModel b, float[] samples, int count) {
    int in = a.inputSize();
    float[] x = new float[in];
    float[] ya = new float[a.outputSize()];
    float[] yb = new float[b.outputSize()];
    for (int s = 0; s < count; s++) {
      System.arraycopy(samples, s * in, x, 0, in);
      a.forward(x, ya);
      b.forward(x, yb);
      assertArrayEquals(bits(ya), bits(yb), "sample " + s);
    }
  }

  public static int[] bits(float[] v) {
    int[] b = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      b[i] = Float.floatToRawIntBits(v[i]);
    }
    return b;
  }
}
