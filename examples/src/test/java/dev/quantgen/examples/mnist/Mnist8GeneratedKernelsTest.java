package dev.quantgen.examples.mnist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quantgen.onnx.ConvSpec;
import dev.quantgen.onnx.DenseSpec;
import dev.quantgen.onnx.GraphLowering;
import dev.quantgen.onnx.LoweredLayer;
import dev.quantgen.onnx.LoweredModel;
import dev.quantgen.onnx.OnnxModel;
import dev.quantgen.runtime.conv.QuantizedConv2d;
import dev.quantgen.runtime.layer.ActivationParams;
import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.IntTensor;
import dev.quantgen.runtime.numerics.QuantParams;
import dev.quantgen.runtime.numerics.QuantType;
import dev.quantgen.runtime.numerics.RequantMode;
import dev.quantgen.runtime.numerics.Shape;
import dev.quantgen.testkit.SharedData;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * mnist-8 end to end on the kernels the processor generated from the sources in this package:
 * weights bound by layer name from the ONNX initializers {@link Mnist8Weights} names, FP32 on all
 * 10,000 test images (the published 98.90%), static INT8 calibrated on the first 300 images and
 * within 0.3 points of FP32, and the generated INT8 convolutions equal the runtime {@link
 * QuantizedConv2d} bit for bit on real activations.
 */
class Mnist8GeneratedKernelsTest {
  private static final int PIXELS = 28 * 28;
  private static final int CALIBRATION = 300;

  private static LoweredModel lowered;
  private static Map<String, FloatTensor> weights;
  private static float[][] images;
  private static int[] labels;

  @BeforeAll
  static void load() throws IOException {
    OnnxModel onnx = OnnxModel.read(SharedData.require("data/models/mnist-8.onnx"));
    lowered = GraphLowering.lower(onnx);
    weights = new HashMap<>();
    for (LoweredLayer layer : lowered.layers()) {
      if (layer instanceof ConvSpec c) {
        assertEquals(Mnist8Weights.INITIALIZERS.get(c.name()).get(0), c.weightName(), c.name());
        weights.put(c.name() + ".weight", c.weights());
        weights.put(c.name() + ".bias", c.bias());
      } else if (layer instanceof DenseSpec d) {
        weights.put(d.name() + ".weight", d.weights());
        weights.put(d.name() + ".bias", d.bias());
      }
    }
    Path imageFile = SharedData.require("data/mnist/t10k-images-idx3-ubyte.gz");
    Path labelFile = SharedData.require("data/mnist/t10k-labels-idx1-ubyte.gz");
    try (DataInputStream in =
        new DataInputStream(new GZIPInputStream(Files.newInputStream(imageFile)))) {
      assertEquals(0x803, in.readInt());
      images = new float[in.readInt()][PIXELS];
      in.readInt();
      in.readInt();
      for (float[] image : images) {
        byte[] raw = in.readNBytes(PIXELS);
        for (int i = 0; i < PIXELS; i++) {
          image[i] = (raw[i] & 0xff) / 255f; // mnist-8 takes pixels / 255
        }
      }
    }
    try (DataInputStream in =
        new DataInputStream(new GZIPInputStream(Files.newInputStream(labelFile)))) {
      assertEquals(0x801, in.readInt());
      labels = new int[in.readInt()];
      for (int i = 0; i < labels.length; i++) {
        labels[i] = in.readUnsignedByte();
      }
    }
  }

  @Test
  void fp32OnGeneratedKernelsMatchesThePublishedAccuracy() {
    Mnist8_Model.Fp32 model = Mnist8_Model.fp32(weights);
    int errors = errors(model::forward);
    assertEquals(110, errors, "FP32 errors in 10,000 (published 1.1%)");
  }

  @Test
  void int8OnGeneratedKernelsIsWithinAThirdOfAPointOfFp32() {
    Mnist8_Model.Int8 model =
        Mnist8_Model.calibrate(weights, List.of(images).subList(0, CALIBRATION));
    int errors = errors(model::forward);
    // 0.3 points of 10,000 images = 30 more errors than FP32's 110.
    assertTrue(errors <= 110 + 30, "INT8 errors " + errors + " in 10,000, expected at most 140");
  }

  @Test
  void generatedInt8ConvolutionsEqualTheRuntimeReferenceBitForBit() {
    Mnist8_Model.Int8 model =
        Mnist8_Model.calibrate(weights, List.of(images).subList(0, CALIBRATION));
    List<ActivationParams> p = model.params();
    List<QuantizedConv2d> references = new ArrayList<>();
    int[] convIndex = {0, 2};
    for (int k : convIndex) {
      ConvSpec c = (ConvSpec) lowered.layers().get(k);
      references.add(
          QuantizedConv2d.quantize(
              c.weights(),
              c.bias(),
              c.window(),
              c.groups(),
              c.activation(),
              perTensor(p.get(k)),
              perTensor(p.get(k + 1)),
              RequantMode.INTEGER));
    }
    for (int n = 0; n < 10000; n += 97) {
      byte[][] trace = model.traceQuantized(images[n]);
      for (int j = 0; j < convIndex.length; j++) {
        int k = convIndex[j];
        byte[] in = k == 0 ? quantize(images[n], p.get(0)) : trace[k - 1];
        ConvSpec c = (ConvSpec) lowered.layers().get(k);
        int[] expected =
            references
                .get(j)
                .apply(
                    IntTensor.of(
                        Shape.of(
                            1, c.inputShape().dim(0), c.inputShape().dim(1), c.inputShape().dim(2)),
                        QuantType.INT8,
                        widen(in)))
                .toArray();
        assertArrayEquals(expected, widen(trace[k]), c.name() + " on image " + n);
      }
    }
  }

  /**
   * The int8 model's allocation-free {@code forward(x, y)} equals the dequantized last layer of
   * {@code traceQuantized} bit for bit, and so does {@code forward(x)} ({@link CnnAllocationTest}
   * checks that it allocates nothing).
   */
  @Test
  void int8ForwardIntoABufferEqualsTheTrace() {
    Mnist8_Model.Int8 model =
        Mnist8_Model.calibrate(weights, List.of(images).subList(0, CALIBRATION));
    ActivationParams out = model.params().get(model.params().size() - 1);
    float[] y = new float[10];
    for (int n = 0; n < 10000; n += 101) {
      byte[][] trace = model.traceQuantized(images[n]);
      byte[] last = trace[trace.length - 1];
      float[] expected = new float[last.length];
      for (int i = 0; i < last.length; i++) {
        expected[i] = out.dequantize(last[i]);
      }
      model.forward(images[n], y);
      assertArrayEquals(expected, y, "image " + n);
      assertArrayEquals(expected, model.forward(images[n]), "image " + n);
    }
  }

  private static int errors(Function<float[], float[]> model) {
    return (int)
        IntStream.range(0, images.length)
            .parallel()
            .filter(n -> argmax(model.apply(images[n])) != labels[n])
            .count();
  }

  private static int argmax(float[] logits) {
    int best = 0;
    for (int i = 1; i < logits.length; i++) {
      if (logits[i] > logits[best]) {
        best = i;
      }
    }
    return best;
  }

  private static QuantParams perTensor(ActivationParams p) {
    return QuantParams.perTensor(p.scale(), p.zeroPoint(), QuantType.INT8);
  }

  private static byte[] quantize(float[] x, ActivationParams p) {
    byte[] q = new byte[x.length];
    for (int i = 0; i < x.length; i++) {
      q[i] = (byte) p.quantize(x[i]);
    }
    return q;
  }

  private static int[] widen(byte[] b) {
    int[] v = new int[b.length];
    for (int i = 0; i < b.length; i++) {
      v[i] = b[i];
    }
    return v;
  }
}
