package dev.quantgen.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.quantgen.runtime.layer.ActivationMode;
import dev.quantgen.runtime.layer.ActivationParams;
import dev.quantgen.runtime.layer.BinaryDenseParams;
import dev.quantgen.runtime.layer.DenseLayer;
import dev.quantgen.runtime.layer.DenseReference;
import dev.quantgen.runtime.layer.DenseWeights;
import dev.quantgen.runtime.layer.Fp16DenseParams;
import dev.quantgen.runtime.layer.QuantizedDenseConfig;
import dev.quantgen.runtime.layer.QuantizedDenseParams;
import dev.quantgen.runtime.layer.StaticQuantizedLayer;
import dev.quantgen.runtime.numerics.Activation;
import dev.quantgen.runtime.numerics.Half;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Compiles one layer per combination the processor accepts (precision x scheme x perChannel x
 * activations x requantization, INT4 blocks too) at odd sizes from {1, 3, 17, 255, 784}, loads the
 * generated classes and compares them with the runtime's generic reference loop on seeded random
 * weights and inputs plus edge cases (ties, saturation, all-zero rows, zero and NaN inputs).
 *
 * <p>Integer pipelines (STATIC, DYNAMIC, BINARY x BINARY) must match bit for bit. Float sums (FP32,
 * FP16, weight-only, BINARY sign-add) are reassociated by the unrolled kernel; by Higham's bound
 * both the sequential and the unrolled sum are within {@code gamma(n) * sum|w x|} of the exact sum,
 * {@code gamma(n) = n u / (1 - n u)}, {@code u = 2^-24}, so they differ by at most twice that, plus
 * the final scale multiply and bias add (a few ulps of the result).
 */
class KernelFunctionalTest {
  private static final int[][] SHAPES = {{1, 1}, {3, 17}, {17, 3}, {255, 5}, {784, 3}};
  private static final List<Case> CASES = new ArrayList<>();
  private static ClassLoader loader;

  /** One annotated layer: its {@code @Quantize} attributes and shape. */
  record Case(
      String name,
      String precision,
      String scheme,
      boolean perChannel,
      String activations,
      int blockSize,
      String requantization,
      int in,
      int out,
      boolean bias,
      String activation) {

    JavaFileObject source() {
      StringBuilder q = new StringBuilder("@Quantize(precision = Precision." + precision);
      if (precision.startsWith("INT") || precision.equals("BINARY")) {
        q.append(", perChannel = ")
            .append(perChannel)
            .append(", activations = Activations.")
            .append(activations);
      }
      if (precision.startsWith("INT")) {
        q.append(", scheme = Scheme.").append(scheme).append(", blockSize = ").append(blockSize);
        if (activations.equals("STATIC")) {
          q.append(", requantization = Requantization.").append(requantization);
        }
      }
      q.append(")");
      return JavaFileObjects.forSourceLines(
          "test." + name,
          "package test;",
          "import dev.quantgen.annotations.*;",
          "@Dense(in = "
              + in
              + ", out = "
              + out
              + ", bias = "
              + bias
              + ", activation = Activation."
              + annotationActivation()
              + ")",
          q.toString(),
          "public final class " + name + " {}");
    }

    /**
     * The annotation's activation: a constant name, or {@code CLIP(min,max)} written as {@code
     * CLIP, clipMin = minf, clipMax = maxf}.
     */
    String annotationActivation() {
      if (!activation.startsWith("CLIP(")) {
        return activation;
      }
      String[] b = activation.substring(5, activation.length() - 1).split(",");
      return "CLIP, clipMin = " + b[0] + "f, clipMax = " + b[1] + "f";
    }

    /** The runtime's activation the reference applies. */
    Activation runtimeActivation() {
      if (!activation.startsWith("CLIP(")) {
        return Activation.valueOf(activation);
      }
      String[] b = activation.substring(5, activation.length() - 1).split(",");
      return Activation.clip(Float.parseFloat(b[0]), Float.parseFloat(b[1]));
    }

    String suffix() {
      return precision.charAt(0) + precision.substring(1).toLowerCase(java.util.Locale.ROOT);
    }

    boolean exact() {
      return activations.equals("STATIC")
          || activations.equals("DYNAMIC")
          || activations.equals("BINARY");
    }
  }

  @BeforeAll
  static void compileAllCombinations() {
    // CLIP within the calibrated output range (the int8 bounds are codes inside it), and CLIP whose
    // lower bound lies far below it (its code saturates at -128)
    String[] acts = {"NONE", "RELU", "RELU6", "CLIP(-0.3,0.45)", "CLIP(-10000,0.35)"};
    List<String[]> combos = new ArrayList<>();
    combos.add(new String[] {"FP16", "SYMMETRIC", "false", "FLOAT", "0", "INTEGER"});
    for (String p : new String[] {"INT8", "INT4"}) {
      for (String scheme : new String[] {"SYMMETRIC", "ASYMMETRIC"}) {
        for (String pc : new String[] {"true", "false"}) {
          combos.add(new String[] {p, scheme, pc, "STATIC", "0", "INTEGER"});
          combos.add(new String[] {p, scheme, pc, "STATIC", "0", "FLOAT"});
          combos.add(new String[] {p, scheme, pc, "DYNAMIC", "0", "INTEGER"});
          combos.add(new String[] {p, scheme, pc, "FLOAT", "0", "INTEGER"});
        }
      }
    }
    for (String scheme : new String[] {"SYMMETRIC", "ASYMMETRIC"}) {
      for (String mode : new String[] {"DYNAMIC", "FLOAT"}) {
        combos.add(new String[] {"INT4", scheme, "true", mode, "16", "INTEGER"});
        combos.add(new String[] {"INT4", scheme, "true", mode, "6", "INTEGER"});
      }
    }
    for (String pc : new String[] {"true", "false"}) {
      combos.add(new String[] {"BINARY", "SYMMETRIC", pc, "FLOAT", "0", "INTEGER"});
      combos.add(new String[] {"BINARY", "SYMMETRIC", pc, "BINARY", "0", "INTEGER"});
    }
    int n = 0;
    for (int k = 0; k < combos.size(); k++) {
      String[] c = combos.get(k);
      // Two shapes per combination, rotating so every size meets every precision.
      for (int s : new int[] {k % SHAPES.length, (k + 2) % SHAPES.length}) {
        CASES.add(
            new Case(
                "L" + n,
                c[0],
                c[1],
                Boolean.parseBoolean(c[2]),
                c[3],
                Integer.parseInt(c[4]),
                c[5],
                SHAPES[s][0],
                SHAPES[s][1],
                n % 2 == 0,
                acts[n % acts.length]));
        n++;
      }
    }
    // binary rows longer than 32 words take the one-row-per-pass loop; a 1-bit last word
    CASES.add(
        new Case(
            "L" + n, "BINARY", "SYMMETRIC", true, "BINARY", 0, "INTEGER", 2113, 6, true, "RELU"));
    Compilation compilation =
        Compilations.compile(CASES.stream().map(Case::source).toArray(JavaFileObject[]::new));
    assertThat(compilation).succeeded();
    loader = Compilations.loader(compilation);
  }

  @TestFactory
  Stream<DynamicTest> everyGeneratedKernelMatchesTheReference() {
    return CASES.stream()
        .flatMap(
            c ->
                Stream.of(
                    DynamicTest.dynamicTest(
                        c + " " + c.suffix(), () -> check(loader, c, c.suffix())),
                    DynamicTest.dynamicTest(c + " Fp32", () -> check(loader, c, "Fp32"))));
  }

  /**
   * Loads {@code <name>_<suffix>} from {@code loader}, prepares it on seeded random weights and
   * checks it against the reference (also used by {@link RandomAnnotationsTest}).
   */
  static void check(ClassLoader loader, Case c, String suffix) throws Exception {
    check(loader, c, suffix, false);
  }

  /**
   * As {@link #check(ClassLoader, Case, String)}; with {@code batched}, also runs every input as
   * one batch through {@link DenseLayer#forwardBatch} and holds each row to the same reference and
   * bound (used by {@link LargeLayerKernelTest}).
   */
  static void check(ClassLoader loader, Case c, String suffix, boolean batched) throws Exception {
    Random random = new Random(31L * c.name().hashCode() + suffix.hashCode());
    DenseWeights weights = weights(c, random);
    Activation act = c.runtimeActivation();
    List<float[]> inputs = inputs(c.in(), random);
    // Calibrate boundary params from the FP32 reference, as a user would.
    float[] ref = new float[c.out()];
    float inLo = 0;
    float inHi = 0;
    float outLo = 0;
    float outHi = 0;
    for (float[] x : inputs.subList(0, 4)) {
      DenseReference.fp32(weights, act, x, ref);
      for (float v : x) {
        inLo = Math.min(inLo, v);
        inHi = Math.max(inHi, v);
      }
      for (float v : ref) {
        outLo = Math.min(outLo, v);
        outHi = Math.max(outHi, v);
      }
    }
    ActivationParams inP = ActivationParams.fromRange(inLo, inHi);
    ActivationParams outP = ActivationParams.fromRange(outLo, outHi);
    inputs.add(ties(c.in(), inP));

    Class<?> kernel = loader.loadClass("test." + c.name() + "_" + suffix);
    Method prepare =
        kernel.getMethod(
            "prepare", DenseWeights.class, ActivationParams.class, ActivationParams.class);
    DenseLayer layer = (DenseLayer) prepare.invoke(null, weights, inP, outP);
    assertEquals(c.in(), layer.inputSize());
    assertEquals(c.out(), layer.outputSize());

    Reference reference = reference(c, suffix, kernel, weights, act, inP, outP);
    boolean exact = !suffix.equals("Fp32") && !suffix.equals("Fp16") && c.exact();
    float[] expected = new float[c.out()];
    float[] actual = new float[c.out()];
    for (float[] x : inputs) {
      reference.run(x, expected);
      layer.forward(x, actual);
      for (int o = 0; o < c.out(); o++) {
        if (exact) {
          if (Float.floatToIntBits(expected[o]) != Float.floatToIntBits(actual[o])) {
            fail(
                c
                    + " "
                    + suffix
                    + " output "
                    + o
                    + ": expected "
                    + expected[o]
                    + ", got "
                    + actual[o]);
          }
        } else if (!(Float.isNaN(expected[o]) && Float.isNaN(actual[o]))) {
          double tol = reference.tolerance(x, o, expected[o]);
          float want = expected[o];
          float got = actual[o];
          int at = o;
          assertTrue(
              Math.abs(want - got) <= tol,
              () ->
                  c
                      + " "
                      + suffix
                      + " output "
                      + at
                      + ": expected "
                      + want
                      + ", got "
                      + got
                      + ", tolerance "
                      + tol);
        }
      }
    }
    checkBatchAgainstOneByOne(c, suffix, layer, inputs, reference);
    if (batched) {
      float[] batchX = new float[inputs.size() * c.in()];
      for (int b = 0; b < inputs.size(); b++) {
        System.arraycopy(inputs.get(b), 0, batchX, b * c.in(), c.in());
      }
      float[] batchY = new float[inputs.size() * c.out()];
      layer.forwardBatch(batchX, batchY, inputs.size());
      for (int b = 0; b < inputs.size(); b++) {
        float[] x = inputs.get(b);
        reference.run(x, expected);
        for (int o = 0; o < c.out(); o++) {
          float got = batchY[b * c.out() + o];
          String where =
              c + " " + suffix + " batch of " + inputs.size() + ", row " + b + ", output " + o;
          if (exact) {
            if (Float.floatToIntBits(expected[o]) != Float.floatToIntBits(got)) {
              fail(where + ": expected " + expected[o] + ", got " + got);
            }
          } else if (!(Float.isNaN(expected[o]) && Float.isNaN(got))) {
            double tol = reference.tolerance(x, o, expected[o]);
            float want = expected[o];
            assertTrue(
                Math.abs(want - got) <= tol,
                () -> where + ": expected " + want + ", got " + got + ", tolerance " + tol);
          }
        }
      }
    }
    if (layer instanceof StaticQuantizedLayer q) {
      checkIntegerPath(c, q, reference.quantizedParams, random);
    }
  }

  /**
   * The batched forward (one product over the batch: register tiles of several samples and single
   * ones) gives each sample exactly what forward gives it alone, bit for bit, at every integer
   * precision and with binary activations (XNOR); FP32, FP16 and binary weights with float
   * activations sum the batch on packed panels in another order than the one-sample kernels, so
   * there each value is within the reassociation bound {@code 2 gamma(n) sum |w x|} ({@code |w| =
   * alpha} for binary weights; plus the scale's and bias addition's rounding: {@link
   * Reference#tolerance}) of forward's.
   */
  private static void checkBatchAgainstOneByOne(
      Case c, String suffix, DenseLayer layer, List<float[]> inputs, Reference reference) {
    boolean floatSums =
        suffix.equals("Fp32")
            || suffix.equals("Fp16")
            || (suffix.equals("Binary") && c.activations().equals("FLOAT"));
    int batch = inputs.size();
    float[] x = new float[batch * c.in()];
    float[] expected = new float[batch * c.out()];
    float[] one = new float[c.out()];
    for (int b = 0; b < batch; b++) {
      System.arraycopy(inputs.get(b), 0, x, b * c.in(), c.in());
      layer.forward(inputs.get(b), one);
      System.arraycopy(one, 0, expected, b * c.out(), c.out());
    }
    float[] actual = new float[batch * c.out()];
    layer.forwardBatch(x, actual, batch);
    for (int i = 0; i < actual.length; i++) {
      if (floatSums) {
        double tol = reference.tolerance(inputs.get(i / c.out()), i % c.out(), expected[i]);
        if (Math.abs(expected[i] - actual[i]) <= tol) {
          continue;
        }
      }
      if (Float.floatToIntBits(expected[i]) != Float.floatToIntBits(actual[i])) {
        fail(
            c
                + " "
                + suffix
                + " batch of "
                + batch
                + ", sample "
                + i / c.out()
                + " output "
                + i % c.out()
                + ": forward gives "
                + expected[i]
                + ", forwardBatch "
                + actual[i]);
      }
    }
  }

  /** int8 in, int8 out over the full input range, bit for bit. */
  private static void checkIntegerPath(
      Case c, StaticQuantizedLayer layer, QuantizedDenseParams params, Random random) {
    byte[] qx = new byte[c.in()];
    byte[] expected = new byte[c.out()];
    byte[] actual = new byte[c.out()];
    int rounds = 7; // also one batch of 7: pairs of samples and a single one in the batched product
    byte[] batchX = new byte[rounds * c.in()];
    byte[] batchExpected = new byte[rounds * c.out()];
    for (int round = 0; round < rounds; round++) {
      for (int i = 0; i < qx.length; i++) {
        qx[i] = round == 0 ? (byte) -128 : round == 1 ? (byte) 127 : (byte) random.nextInt(256);
      }
      DenseReference.quantized(params, qx, expected);
      layer.forwardQuantized(qx, actual);
      org.junit.jupiter.api.Assertions.assertArrayEquals(
          expected, actual, c + " int8 path, round " + round);
      System.arraycopy(qx, 0, batchX, round * c.in(), c.in());
      System.arraycopy(expected, 0, batchExpected, round * c.out(), c.out());
    }
    byte[] batchActual = new byte[rounds * c.out()];
    layer.forwardQuantizedBatch(batchX, batchActual, rounds);
    org.junit.jupiter.api.Assertions.assertArrayEquals(
        batchExpected, batchActual, c + " int8 path, batch of " + rounds);
  }

  private static DenseWeights weights(Case c, Random random) {
    float[] w = new float[c.in() * c.out()];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) (random.nextGaussian() * 0.2);
    }
    if (c.out() > 2) {
      java.util.Arrays.fill(
          w, c.in(), 2 * c.in(), 0.0f); // an all-zero row: degenerate scale 1, zero point 0
    }
    float[] b = null;
    if (c.bias()) {
      b = new float[c.out()];
      for (int o = 0; o < b.length; o++) {
        b[o] = (float) (random.nextGaussian() * 0.1);
      }
    }
    return DenseWeights.of(c.in(), c.out(), w, b);
  }

  private static List<float[]> inputs(int in, Random random) {
    List<float[]> inputs = new ArrayList<>();
    for (int k = 0; k < 4; k++) {
      float[] x = new float[in];
      for (int i = 0; i < in; i++) {
        x[i] = (float) random.nextGaussian();
      }
      inputs.add(x);
    }
    float[] big = new float[in]; // far outside the calibrated range: saturates static inputs
    float[] nan = new float[in];
    for (int i = 0; i < in; i++) {
      big[i] = (i % 2 == 0 ? 50f : -50f) * (1 + random.nextFloat());
      nan[i] = i % 3 == 1 ? Float.NaN : (float) random.nextGaussian();
    }
    inputs.add(big);
    inputs.add(new float[in]);
    inputs.add(nan);
    return inputs;
  }

  /** Inputs at exact half-steps of the input scale: {@code x / s} is a tie, so rounding decides. */
  private static float[] ties(int in, ActivationParams p) {
    float[] x = new float[in];
    for (int i = 0; i < in; i++) {
      x[i] = (i % 7 - 3 + 0.5f) * p.scale();
    }
    return x;
  }

  /** The reference of one variant, and the float tolerance its sums allow. */
  private static final class Reference {
    interface Run {
      void run(float[] x, float[] y);
    }

    final Run run;
    final float[][] effective; // the weights the kernel really multiplies, dequantized
    final QuantizedDenseParams quantizedParams;
    final int terms;

    Reference(Run run, float[][] effective, QuantizedDenseParams params, int terms) {
      this.run = run;
      this.effective = effective;
      this.quantizedParams = params;
      this.terms = terms;
    }

    void run(float[] x, float[] y) {
      run.run(x, y);
    }

    double tolerance(float[] x, int o, float y) {
      double sum = 0;
      for (int i = 0; i < x.length; i++) {
        sum += Math.abs((double) effective[o][i] * x[i]);
      }
      double u = Math.ulp(1.0f) / 2;
      double gamma = terms * u / (1 - terms * u);
      return 2 * gamma * sum + 4 * Math.ulp(Math.abs(y)) + Float.MIN_NORMAL;
    }
  }

  private static Reference reference(
      Case c,
      String suffix,
      Class<?> kernel,
      DenseWeights w,
      Activation act,
      ActivationParams inP,
      ActivationParams outP)
      throws Exception {
    float[][] eff = new float[c.out()][c.in()];
    switch (suffix) {
      case "Fp32":
        {
          for (int o = 0; o < c.out(); o++) {
            for (int i = 0; i < c.in(); i++) {
              eff[o][i] = w.weight(o, i);
            }
          }
          return new Reference((x, y) -> DenseReference.fp32(w, act, x, y), eff, null, c.in() + 2);
        }
      case "Fp16":
        {
          Fp16DenseParams p = Fp16DenseParams.prepare(w, act);
          short[] halves = p.weights(); // a copy per call: read once (large layers have millions)
          for (int o = 0; o < c.out(); o++) {
            for (int i = 0; i < c.in(); i++) {
              eff[o][i] = Half.toFloat(halves[o * c.in() + i]);
            }
          }
          return new Reference((x, y) -> DenseReference.fp16(p, x, y), eff, null, c.in() + 2);
        }
      case "Binary":
        {
          BinaryDenseParams p =
              BinaryDenseParams.prepare(
                  w, c.perChannel(), ActivationMode.valueOf(c.activations()), act);
          for (int o = 0; o < c.out(); o++) {
            for (int i = 0; i < c.in(); i++) {
              eff[o][i] = p.sign(o, i) * p.alpha(o);
            }
          }
          return new Reference((x, y) -> DenseReference.binary(p, x, y), eff, null, c.in() + 2);
        }
      default:
        {
          QuantizedDenseConfig config = (QuantizedDenseConfig) kernel.getField("CONFIG").get(null);
          QuantizedDenseParams p = QuantizedDenseParams.prepare(c.name(), w, config, inP, outP);
          int groups = config.groups(c.in());
          int[] zeroPoints = p.zeroPoints(); // copies: read once
          float[] scales = p.scales();
          for (int o = 0; o < c.out(); o++) {
            for (int i = 0; i < c.in(); i++) {
              int k = p.scaleIndex(o, i / config.groupSize(c.in()));
              eff[o][i] = (p.weight(o, i) - zeroPoints[k]) * scales[k];
            }
          }
          return new Reference(
              (x, y) -> DenseReference.quantized(p, x, y), eff, p, c.in() + groups + 2);
        }
    }
  }
}
