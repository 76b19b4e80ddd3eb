package dev.quantgen.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.quantgen.processor.Compilations.compile;
import static dev.quantgen.processor.Compilations.source;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import dev.quantgen.runtime.layer.ActivationParams;
import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.Shape;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Models with skip connections (@Add, @Concat), global average pooling and a final softmax: the
 * graph errors pinned to the model's {@code layers} attribute, then the generated forward passes
 * against the operators' definitions (float) and QLinearAdd's formula (int8, bit for bit).
 */
class GraphModelTest {
  private static final JavaFileObject STEM =
      source(
          "Stem",
          "@Conv2d(inChannels = 1, outChannels = 4, inHeight = 5, inWidth = 7, kernel = 3, padding = 1,",
          "    activation = Activation.RELU6)",
          "@Quantize(precision = Precision.INT8)",
          "public final class Stem {}");
  private static final JavaFileObject DEPTHWISE =
      source(
          "Depthwise",
          "@Conv2d(inChannels = 4, outChannels = 4, inHeight = 5, inWidth = 7, kernel = 3, padding = 1, groups = 4,",
          "    activation = Activation.RELU)",
          "@Quantize(precision = Precision.INT8)",
          "public final class Depthwise {}");
  private static final JavaFileObject POINTWISE =
      source(
          "Pointwise",
          "@Conv2d(inChannels = 4, outChannels = 4, inHeight = 5, inWidth = 7, kernel = 1)",
          "@Quantize(precision = Precision.INT8)",
          "public final class Pointwise {}");
  private static final JavaFileObject RESIDUAL =
      source(
          "Residual",
          "@Add(channels = 4, height = 5, width = 7, from = Stem.class)",
          "public final class Residual {}");
  private static final JavaFileObject WITH_INPUT =
      source(
          "WithInput",
          "@Concat(channels = {4, 1}, height = 5, width = 7, from = Model.Input.class)",
          "public final class WithInput {}");
  private static final JavaFileObject GAP =
      source(
          "Gap",
          "@GlobalAvgPool2d(channels = 5, height = 5, width = 7)",
          "public final class Gap {}");
  private static final JavaFileObject FLAT =
      source("Flat", "@Flatten(channels = 5, height = 1, width = 1)", "public final class Flat {}");
  private static final JavaFileObject HEAD =
      source(
          "Head",
          "@Dense(in = 5, out = 3)",
          "@Quantize(precision = Precision.INT8)",
          "public final class Head {}");
  private static final JavaFileObject PROBABILITIES =
      source("Probabilities", "@Softmax(size = 3)", "public final class Probabilities {}");

  private static void assertModelError(
      String layers, String tag, String text, JavaFileObject... more) {
    JavaFileObject model = source("M", "@Model(", "    layers = " + layers + ")", "interface M {}");
    List<JavaFileObject> all =
        new ArrayList<>(
            List.of(
                STEM, DEPTHWISE, POINTWISE, RESIDUAL, WITH_INPUT, GAP, FLAT, HEAD, PROBABILITIES));
    all.addAll(List.of(more));
    all.add(model);
    Compilation c = compile(all);
    assertThat(c).failed();
    assertThat(c)
        .hadErrorContaining("[" + tag + "] " + text)
        .inFile(model)
        .onLineContaining("layers = ");
  }

  @Test
  void aJoinMustReadALayerOfTheModel() {
    assertModelError(
        "{Depthwise.class, Pointwise.class, Residual.class}",
        "QuantizeUnknownSource",
        "layers[2] = Residual reads from = Stem, which is not in this model");
  }

  @Test
  void aJoinReadingItselfOrALaterLayerIsACycle() {
    JavaFileObject self =
        source(
            "Self",
            "@Add(channels = 4, height = 5, width = 7, from = Self.class)",
            "final class Self {}");
    assertModelError(
        "{Stem.class, Self.class}",
        "QuantizeCycle",
        "layers[1] = Self reads from = Self, which runs at layers[1], not before it",
        self);
    JavaFileObject later =
        source(
            "Later",
            "@Add(channels = 4, height = 5, width = 7, from = Pointwise.class)",
            "final class Later {}");
    assertModelError(
        "{Stem.class, Later.class, Pointwise.class}",
        "QuantizeCycle",
        "layers[1] = Later reads from = Pointwise, which runs at layers[2]",
        later);
  }

  @Test
  void aJoinCannotReadALayerUsedTwice() {
    JavaFileObject twice =
        source(
            "Twice",
            "@Add(channels = 4, height = 5, width = 7, from = Pointwise.class)",
            "final class Twice {}");
    assertModelError(
        "{Stem.class, Pointwise.class, Pointwise.class, Twice.class}",
        "QuantizeLayerUsedTwice",
        "layers[3] = Twice reads from = Pointwise, which appears 2 times in this model (layers [1, 2])",
        twice);
  }

  @Test
  void branchShapesMustMatch() {
    JavaFileObject wide =
        source(
            "Wide",
            "@Concat(channels = {4, 2}, height = 5, width = 7, from = Model.Input.class)",
            "final class Wide {}");
    assertModelError(
        "{Stem.class, Wide.class}",
        "QuantizeShapeMismatch",
        "layers[1] = Wide expects from = Model.Input to produce [2, 5, 7], but it produces [1, 5, 7]",
        wide);
    JavaFileObject small =
        source(
            "Small",
            "@Conv2d(inChannels = 4, outChannels = 4, inHeight = 5, inWidth = 7, kernel = 3)",
            "final class Small {}");
    JavaFileObject skip =
        source(
            "Skip",
            "@Add(channels = 4, height = 3, width = 5, from = Stem.class)",
            "final class Skip {}");
    assertModelError(
        "{Stem.class, Small.class, Skip.class}",
        "QuantizeShapeMismatch",
        "layers[2] = Skip expects from = Stem to produce [4, 3, 5], but it produces [4, 5, 7]",
        small,
        skip);
  }

  @Test
  void softmaxMustBeLast() {
    JavaFileObject tail = source("Tail", "@Dense(in = 3, out = 2)", "final class Tail {}");
    assertModelError(
        "{Head.class, Probabilities.class, Tail.class}",
        "QuantizeSoftmaxNotLast",
        "layers[1] = Probabilities is a @Softmax but layers[2] = Tail follows it",
        tail);
  }

  @Test
  void graphLayerShapesAreCheckedOnTheirAttributes() {
    JavaFileObject concat =
        source(
            "Bad",
            "@Concat(channels = {4},",
            "    height = 5, width = 7, from = Model.Input.class)",
            "final class Bad {}");
    Compilation c = compile(concat);
    assertThat(c)
        .hadErrorContaining("[QuantizeInvalidShape] channels = {4}: expected two positive values")
        .inFile(concat)
        .onLineContaining("channels = {4}");
    JavaFileObject gap =
        source(
            "Bad",
            "@GlobalAvgPool2d(channels = 2,",
            "    height = 0, width = 7)",
            "final class Bad {}");
    assertThat(compile(gap))
        .hadErrorContaining("[QuantizeInvalidShape] height = 0")
        .inFile(gap)
        .onLineContaining("height = 0");
    JavaFileObject softmax = source("Bad", "@Softmax(", "    size = -3)", "final class Bad {}");
    assertThat(compile(softmax))
        .hadErrorContaining("[QuantizeInvalidShape] size = -3")
        .inFile(softmax)
        .onLineContaining("size = -3");
  }

  @Test
  void aResidualDepthwiseSeparableModelRunsItsGraph() throws Exception {
    JavaFileObject model =
        source(
            "Net",
            "@Model(layers = {Stem.class, Depthwise.class, Pointwise.class, Residual.class, WithInput.class, Gap.class,",
            "    Flat.class, Head.class, Probabilities.class})",
            "public interface Net {}");
    Compilation c =
        compile(
            STEM,
            DEPTHWISE,
            POINTWISE,
            RESIDUAL,
            WITH_INPUT,
            GAP,
            FLAT,
            HEAD,
            PROBABILITIES,
            model);
    assertThat(c).succeeded();
    Class<?> net = Compilations.loader(c).loadClass("test.Net_Model");
    Random random = new Random(16);
    Map<String, FloatTensor> weights = new HashMap<>();
    weights.put("Stem.weight", gaussian(random, Shape.of(4, 1, 3, 3)));
    weights.put("Stem.bias", gaussian(random, Shape.of(4)));
    weights.put("Depthwise.weight", gaussian(random, Shape.of(4, 1, 3, 3)));
    weights.put("Depthwise.bias", gaussian(random, Shape.of(4)));
    weights.put("Pointwise.weight", gaussian(random, Shape.of(4, 4, 1, 1)));
    weights.put("Pointwise.bias", gaussian(random, Shape.of(4)));
    weights.put("Head.weight", gaussian(random, Shape.of(3, 5)));
    weights.put("Head.bias", gaussian(random, Shape.of(3)));
    float[] x = gaussian(random, Shape.of(35)).toArray();

    Object fp32 = net.getMethod("fp32", Map.class).invoke(null, weights);
    float[][] t = (float[][]) fp32.getClass().getMethod("trace", float[].class).invoke(fp32, x);
    // the allocation-free forward(x, y) runs the same graph on per-thread buffers, twice (reused)
    for (int call = 0; call < 2; call++) {
      float[] y = new float[t[t.length - 1].length];
      fp32.getClass().getMethod("forward", float[].class, float[].class).invoke(fp32, x, y);
      assertArrayEquals(t[t.length - 1], y, "forward(x, y), call " + call);
    }
    for (int i = 0; i < 140; i++) {
      assertEquals(t[2][i] + t[0][i], t[3][i], "residual sum " + i);
      assertEquals(t[3][i], t[4][i], "concat, first part " + i);
    }
    for (int i = 0; i < 35; i++) {
      assertEquals(x[i], t[4][140 + i], "concat, the model's input " + i);
    }
    for (int ch = 0; ch < 5; ch++) {
      float sum = 0;
      for (int i = 0; i < 35; i++) {
        sum += t[4][ch * 35 + i];
      }
      assertEquals(sum / 35, t[5][ch], "global average of channel " + ch);
    }
    double max = Math.max(t[7][0], Math.max(t[7][1], t[7][2]));
    double total = 0;
    for (int i = 0; i < 3; i++) {
      total += Math.exp(t[7][i] - max);
    }
    for (int i = 0; i < 3; i++) {
      assertEquals(Math.exp(t[7][i] - max) / total, t[8][i], 1e-6, "softmax " + i);
    }

    List<float[]> samples = new ArrayList<>();
    for (int s = 0; s < 8; s++) {
      samples.add(gaussian(random, Shape.of(35)).toArray());
    }
    Object int8 =
        net.getMethod("calibrate", Map.class, Iterable.class).invoke(null, weights, samples);
    @SuppressWarnings("unchecked")
    List<ActivationParams> p =
        (List<ActivationParams>) int8.getClass().getMethod("params").invoke(int8);
    for (float[] sample : samples) {
      byte[][] q =
          (byte[][])
              int8.getClass().getMethod("traceQuantized", float[].class).invoke(int8, sample);
      // layer 3 = QLinearAdd(Pointwise's output, Stem's output), each with its own parameters
      for (int i = 0; i < 140; i++) {
        float sum =
            p.get(3).scale() * (float) (q[2][i] - p.get(3).zeroPoint())
                + p.get(1).scale() * (float) (q[0][i] - p.get(1).zeroPoint());
        int expected =
            (int)
                Math.max(
                    -128, Math.min(127, Math.rint(sum / p.get(4).scale()) + p.get(4).zeroPoint()));
        assertEquals(expected, q[3][i], "QLinearAdd " + i);
      }
      // layer 4's second part is the model's quantized input, requantized
      for (int i = 0; i < 35; i++) {
        int input = p.get(0).quantize(sample[i]);
        float v = p.get(0).scale() * (float) (input - p.get(0).zeroPoint());
        int expected =
            (int)
                Math.max(
                    -128, Math.min(127, Math.rint(v / p.get(5).scale()) + p.get(5).zeroPoint()));
        assertEquals(expected, q[4][140 + i], "QLinearConcat " + i);
      }
      float[] y =
          (float[]) int8.getClass().getMethod("forward", float[].class).invoke(int8, sample);
      float[] head = new float[3];
      for (int i = 0; i < 3; i++) {
        head[i] = p.get(8).dequantize(q[7][i]);
      }
      float[] expected = new float[3];
      dev.quantgen.runtime.conv.GraphOps.softmax(head, expected);
      assertArrayEquals(expected, y, "softmax of the dequantized logits, not requantized");
    }
  }

  private static FloatTensor gaussian(Random random, Shape shape) {
    float[] v = new float[shape.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return FloatTensor.of(shape, v);
  }
}
