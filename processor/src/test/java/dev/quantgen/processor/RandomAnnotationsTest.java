package dev.quantgen.processor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.testing.compile.Compilation;
import dev.quantgen.annotations.Precision;
import dev.quantgen.runtime.conv.AvgPool2d;
import dev.quantgen.runtime.conv.Conv2d;
import dev.quantgen.runtime.conv.MaxPool2d;
import dev.quantgen.runtime.conv.PadMode;
import dev.quantgen.runtime.conv.Window2d;
import dev.quantgen.runtime.layer.ActivationParams;
import dev.quantgen.runtime.layer.DenseLayer;
import dev.quantgen.runtime.layer.DenseWeights;
import dev.quantgen.runtime.numerics.Activation;
import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.Shape;
import dev.quantgen.testkit.SharedData;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Feeds the processors seeded random combinations of annotation values and layer shapes (see {@link
 * RandomLayerSources}), several classes per compilation. Each combination must either be accepted —
 * then its generated classes compile, load and match the runtime references (dense variants through
 * {@link KernelFunctionalTest#check}: integer pipelines bit for bit, float ones within the stated
 * bound; FP32 convolutions within the reassociation bound, pooling bit for bit; models wire their
 * layers) — or be rejected only with documented, tagged errors ({@link Message}) in its own files,
 * including every error the oracle requires on the line it names. Never an exception inside the
 * processor, never an error in generated code.
 *
 * <p>{@code -Dquantgen.randomAnnotations.seed} and {@code .count} change the run. The count
 * defaults to {@value #SHORT_COUNT} (CI's quick run) and to {@value #LONG_COUNT} under {@code
 * -Dquantgen.longTests=true} ({@link SharedData#LONG_TESTS}); an explicit count always wins.
 */
class RandomAnnotationsTest {
  private static final int BATCH = 15;

  /** Combinations per run by default. */
  static final int SHORT_COUNT = 150;

  /** Combinations per run when long tests are enabled: the processor-at-scale target. */
  static final int LONG_COUNT = 1_000;

  /** Accepted layers larger than this compile and load, but are not run (weights would not fit). */
  private static final long MAX_RUN_WEIGHTS = 300_000;

  @Test
  void everyRandomCombinationCompilesAndRunsOrFailsWithDocumentedTaggedErrors() throws Exception {
    long seed = Long.getLong("quantgen.randomAnnotations.seed", 20_240_909L);
    int count =
        Integer.getInteger(
            "quantgen.randomAnnotations.count",
            Boolean.getBoolean(SharedData.LONG_TESTS) ? LONG_COUNT : SHORT_COUNT);
    long started = System.nanoTime();
    RandomLayerSources generator = new RandomLayerSources(seed);
    List<RandomLayerSources.Combo> all = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      all.add(generator.next(i));
    }
    Map<Message, Integer> rejectedBy = new EnumMap<>(Message.class);
    Map<String, Integer> acceptedByKind = new TreeMap<>();
    int accepted = 0;
    int ran = 0;
    for (int from = 0; from < all.size(); from += BATCH) {
      List<RandomLayerSources.Combo> batch = all.subList(from, Math.min(all.size(), from + BATCH));
      List<RandomLayerSources.Combo> ok = new ArrayList<>();
      Compilation first = Compilations.compile(files(batch));
      for (RandomLayerSources.Combo c : batch) {
        Set<Message> tags = checkErrors(c, first);
        tags.forEach(t -> rejectedBy.merge(t, 1, Integer::sum));
        if (tags.isEmpty()) {
          ok.add(c);
        }
      }
      if (ok.isEmpty()) {
        continue;
      }
      // Recompile the accepted ones alone: a failed compilation hides their generated classes.
      Compilation clean = ok.size() == batch.size() ? first : Compilations.compile(files(ok));
      List<String> errors =
          clean.errors().stream()
              .map(d -> d.getSource() + ": " + d.getMessage(Locale.ROOT))
              .toList();
      assertTrue(
          errors.isEmpty(),
          () -> "accepted combinations must compile, got " + errors + " for " + ok);
      ClassLoader loader = Compilations.loader(clean);
      for (RandomLayerSources.Combo c : ok) {
        accepted++;
        acceptedByKind.merge(c.kind, 1, Integer::sum);
        ran += run(loader, c) ? 1 : 0;
      }
    }
    System.out.printf(
        Locale.ROOT,
        "[random-annotations] seed %d: %d combinations, %d accepted %s (%d run against "
            + "the references), %d rejected; rejections by tag %s; %.1f s%n",
        seed,
        count,
        accepted,
        acceptedByKind,
        ran,
        count - accepted,
        tagCounts(rejectedBy),
        (System.nanoTime() - started) / 1e9);
    assertTrue(
        accepted > count / 4 && accepted < count,
        "the generator mixes valid and invalid combinations");
  }

  private static List<JavaFileObject> files(List<RandomLayerSources.Combo> combos) {
    List<JavaFileObject> files = new ArrayList<>();
    combos.forEach(c -> files.addAll(c.files.values()));
    return files;
  }

  /** The tags of the errors on a combination's files, after checking them against the oracle. */
  private static Set<Message> checkErrors(RandomLayerSources.Combo c, Compilation compilation) {
    Set<Message> tags = new HashSet<>();
    Set<RandomLayerSources.Expected> found = new HashSet<>();
    for (Diagnostic<? extends JavaFileObject> d : compilation.diagnostics()) {
      String text = d.getMessage(Locale.ROOT);
      assertTrue(
          !text.contains("[" + Message.EXCEPTION.tag() + "]"),
          () -> "processor exception on " + c + ": " + text);
      if (d.getKind() != Diagnostic.Kind.ERROR) {
        continue;
      }
      assertTrue(d.getSource() != null, () -> "an error without a source element: " + text);
      String file = simpleName(d.getSource());
      if (!c.files.containsKey(file)) {
        continue;
      }
      Message tag = tagOf(text);
      assertTrue(
          tag != null,
          () -> "untagged error on " + c + ": " + file + ":" + d.getLineNumber() + " " + text);
      boolean required = false;
      for (RandomLayerSources.Expected e : c.required) {
        if (e.message().tag().equals(tag.tag())
            && e.file().equals(file)
            && e.line() == d.getLineNumber()) {
          found.add(e);
          required = true;
        }
      }
      Message t = tag;
      assertTrue(
          required
              || c.allowed.contains(tag)
              || c.allowed.stream().anyMatch(a -> a.tag().equals(t.tag())),
          () -> "unexpected error on " + c + ": " + file + ":" + d.getLineNumber() + " " + text);
      tags.add(tag);
    }
    for (RandomLayerSources.Expected e : c.required) {
      if (!found.contains(e)) {
        fail("missing " + e + " for " + c + "; diagnostics: " + compilation.diagnostics());
      }
    }
    return tags;
  }

  private static Message tagOf(String text) {
    for (Message m : Message.values()) {
      if (text.startsWith("[" + m.tag() + "]") && m.kind() == Diagnostic.Kind.ERROR) {
        return m;
      }
    }
    return null;
  }

  private static String simpleName(JavaFileObject file) {
    String path = file.toUri().getPath();
    return path.substring(path.lastIndexOf('/') + 1, path.length() - ".java".length());
  }

  private static String tagCounts(Map<Message, Integer> counts) {
    Map<String, Integer> byTag = new TreeMap<>();
    counts.forEach(
        (m, n) ->
            byTag.merge(
                m.tag() + (m == Message.MODEL_NOT_A_LAYER ? "(model)" : ""), n, Integer::sum));
    return byTag.toString();
  }

  /** Runs an accepted combination's generated classes; false if it was too large to run. */
  private static boolean run(ClassLoader loader, RandomLayerSources.Combo c) throws Exception {
    switch (c.kind) {
      case "Dense":
        return runDense(loader, c);
      case "Conv2d":
        return runConv(loader, c);
      case "Model":
        return runModel(loader, c);
      default:
        return runPool(loader, c);
    }
  }

  private static boolean runDense(ClassLoader loader, RandomLayerSources.Combo c) throws Exception {
    int in = (Integer) c.shape.get("in");
    int out = (Integer) c.shape.get("out");
    if ((long) in * out > MAX_RUN_WEIGHTS) {
      Class.forName(
          "test." + c.name + "_Fp32", true, loader); // generated, compiled and initializes
      return false;
    }
    boolean bias = (Boolean) c.shape.get("bias");
    String act = (String) c.shape.get("activation");
    KernelFunctionalTest.Case fp32 =
        new KernelFunctionalTest.Case(
            c.name, "FP32", "SYMMETRIC", false, "FLOAT", 0, "INTEGER", in, out, bias, act);
    KernelFunctionalTest.check(loader, fp32, "Fp32");
    for (RandomLayerSources.Variant v : c.variants) {
      KernelFunctionalTest.Case k =
          new KernelFunctionalTest.Case(
              c.name,
              v.precision(),
              v.scheme(),
              v.perChannel(),
              v.activations(),
              v.blockSize(),
              v.requantization(),
              in,
              out,
              bias,
              act);
      KernelFunctionalTest.check(loader, k, k.suffix());
    }
    return true;
  }

  private static int[] pair(Object value) {
    int[] v = (int[]) value;
    return v.length == 1 ? new int[] {v[0], v[0]} : v;
  }

  private static Window2d window(RandomLayerSources.Combo c, int[] stride) {
    int[] k = pair(c.shape.get("kernel"));
    int[] p = pair(c.shape.get("padding"));
    Window2d w = Window2d.of(k[0], k[1]).withStrides(stride[0], stride[1]);
    if (c.shape.containsKey("dilation")) {
      int[] d = pair(c.shape.get("dilation"));
      w = w.withDilations(d[0], d[1]);
    }
    return (Boolean) c.shape.get("same")
        ? w.withPadMode(PadMode.SAME_UPPER)
        : w.withPads(p[0], p[1], p[0], p[1]);
  }

  private static boolean runConv(ClassLoader loader, RandomLayerSources.Combo c) throws Exception {
    int channels = (Integer) c.shape.get("c");
    int m = (Integer) c.shape.get("m");
    int groups = (Integer) c.shape.get("groups");
    int[] k = pair(c.shape.get("kernel"));
    if ((long) channels * (Integer) c.shape.get("h") * (Integer) c.shape.get("w")
        > MAX_RUN_WEIGHTS) {
      Class.forName("test." + c.name + "_Fp32", true, loader);
      return false;
    }
    Random random = new Random(c.name.hashCode());
    FloatTensor weights = random(random, Shape.of(m, channels / groups, k[0], k[1]));
    FloatTensor bias = (Boolean) c.shape.get("bias") ? random(random, Shape.of(m)) : null;
    FloatTensor x =
        random(
            random, Shape.of(1, channels, (Integer) c.shape.get("h"), (Integer) c.shape.get("w")));
    float[] expected =
        new Conv2d(
                weights,
                bias,
                window(c, pair(c.shape.get("stride"))),
                groups,
                Activation.valueOf((String) c.shape.get("activation")))
            .apply(x)
            .toArray();
    Class<?> kernel = loader.loadClass("test." + c.name + "_Fp32");
    Object instance =
        kernel.getConstructor(FloatTensor.class, FloatTensor.class).newInstance(weights, bias);
    float[] y = new float[expected.length];
    kernel.getMethod("forward", float[].class, float[].class).invoke(instance, x.toArray(), y);
    // The scalar fallback is Conv2d's loop (bit for bit); the Vector API kernel sums in another
    // order
    // with fused multiply-adds, so it is held to the reassociation bound
    // 2 gamma(n + 1) (sum |w x| + |b|), gamma(n) = n u / (1 - n u), u = 2^-24, n = the fan-in.
    float[] bound =
        new Conv2d(
                abs(weights),
                bias == null ? null : abs(bias),
                window(c, pair(c.shape.get("stride"))),
                groups,
                Activation.NONE)
            .apply(abs(x))
            .toArray();
    int n = channels / groups * k[0] * k[1] + 1;
    double u = Math.ulp(1.0f) / 2;
    double gamma = (n + 1) * u / (1 - (n + 1) * u);
    for (int i = 0; i < y.length; i++) {
      double tolerance = 2 * gamma * bound[i] + Float.MIN_NORMAL;
      if (!(Math.abs((double) y[i] - expected[i]) <= tolerance)) {
        fail(
            c
                + ": output "
                + i
                + " is "
                + y[i]
                + ", expected "
                + expected[i]
                + " within "
                + tolerance);
      }
    }
    return true;
  }

  private static FloatTensor abs(FloatTensor t) {
    float[] v = t.toArray();
    for (int i = 0; i < v.length; i++) {
      v[i] = Math.abs(v[i]);
    }
    return FloatTensor.of(t.shape(), v);
  }

  private static boolean runPool(ClassLoader loader, RandomLayerSources.Combo c) throws Exception {
    int[] stride = pair(c.shape.get("stride"));
    int[] k = pair(c.shape.get("kernel"));
    int[] s = {stride[0] == 0 ? k[0] : stride[0], stride[1] == 0 ? k[1] : stride[1]};
    Window2d window = window(c, s);
    FloatTensor x =
        random(
            new Random(c.name.hashCode()),
            Shape.of(
                1,
                (Integer) c.shape.get("channels"),
                (Integer) c.shape.get("h"),
                (Integer) c.shape.get("w")));
    float[] expected =
        c.kind.equals("MaxPool2d")
            ? new MaxPool2d(window).apply(x).toArray()
            : new AvgPool2d(window, false).apply(x).toArray();
    Class<?> kernel = loader.loadClass("test." + c.name + "_Pool");
    float[] y = new float[expected.length];
    kernel
        .getMethod("forward", float[].class, float[].class)
        .invoke(kernel.getConstructor().newInstance(), x.toArray(), y);
    assertArrayEquals(bits(expected), bits(y), c.toString());
    return true;
  }

  /** An FP32 model's output equals running its layers' own FP32 kernels one after the other. */
  @SuppressWarnings("unchecked")
  private static boolean runModel(ClassLoader loader, RandomLayerSources.Combo c) throws Exception {
    List<int[]> shapes = (List<int[]>) c.shape.get("layers");
    Random random = new Random(c.name.hashCode());
    List<DenseWeights> weights = new ArrayList<>();
    for (int[] s : shapes) {
      weights.add(ModelProcessorTest.weights(random, s[0], s[1]));
    }
    Class<?> model = loader.loadClass("test." + c.name + "_Model");
    Object builder = model.getMethod("builder").invoke(null);
    builder.getClass().getMethod("allLayers", Precision.class).invoke(builder, Precision.FP32);
    Object built = builder.getClass().getMethod("build", List.class).invoke(builder, weights);
    float[] x = random(random, Shape.of(shapes.get(0)[0])).toArray();
    float[] y = new float[shapes.get(shapes.size() - 1)[1]];
    model.getMethod("forward", float[].class, float[].class).invoke(built, x, y);
    float[] expected = x;
    for (int k = 0; k < shapes.size(); k++) {
      DenseLayer layer =
          (DenseLayer)
              loader
                  .loadClass("test." + c.name + "L" + k + "_Fp32")
                  .getMethod(
                      "prepare", DenseWeights.class, ActivationParams.class, ActivationParams.class)
                  .invoke(null, weights.get(k), null, null);
      float[] next = new float[shapes.get(k)[1]];
      layer.forward(expected, next);
      expected = next;
    }
    assertArrayEquals(bits(expected), bits(y), c.toString());
    return true;
  }

  private static int[] bits(float[] v) {
    int[] b = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      b[i] = Float.floatToIntBits(v[i] + 0.0f);
    }
    return b;
  }

  private static FloatTensor random(Random random, Shape shape) {
    float[] v = new float[shape.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return FloatTensor.of(shape, v);
  }
}
