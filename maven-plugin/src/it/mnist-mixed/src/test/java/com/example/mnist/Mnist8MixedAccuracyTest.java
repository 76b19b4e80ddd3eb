package com.example.mnist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quantgen.quantize.weights.WeightSource;
import dev.quantgen.runtime.numerics.FloatTensor;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * The mixed-precision kernels javac generated from mnist-8.onnx and the pom's {@code <layerPrecisions>}
 * (Convolution28 FP16, Convolution110 INT8, Times212 FP32), run as the INT8 sample runs its kernels:
 * the {@code Int8} form calibrated on the first 300 test images (int8 values between the INT8
 * convolution and the pooling layers, the float layers dequantizing their input), accuracy on all
 * 10,000. Two of the three layers with weights are float here, so it must be at least as good as
 * all-INT8 ({@code quantgen eval --precision int8}: 98.91%) less 0.1 point.
 */
class Mnist8MixedAccuracyTest {
  private static final int CALIBRATION = 300;

  @Test
  void mixedPrecisionKernelsFromTheOnnxFileKeepTheInt8Accuracy() throws Exception {
    Path mnist = Path.of(System.getProperty("quantgen.mnist"));
    float[][] images = images(mnist.resolve("t10k-images-idx3-ubyte.gz"));
    int[] labels = labels(mnist.resolve("t10k-labels-idx1-ubyte.gz"));
    assertEquals(Mnist8_Model.INPUT_SIZE, images[0].length);

    Mnist8_Model.Int8 int8 = Mnist8_Model.calibrate(weights(), Arrays.asList(images).subList(0, CALIBRATION));
    long correct = IntStream.range(0, images.length).parallel()
        .filter(n -> argmax(int8.forward(images[n])) == labels[n]).count();

    double accuracy = 100.0 * correct / images.length;
    System.out.printf(Locale.ROOT, "mnist-8 mixed FP16/INT8/FP32 (generated kernels, calibrated on the first %d images): %.2f%% on %,d"
        + " test images (%d errors)%n", CALIBRATION, accuracy, images.length, images.length - correct);
    assertTrue(accuracy >= 98.81, () -> "accuracy " + accuracy + "%, expected at least 98.81%");
  }

  /**
   * The weights the plugin wrote as a resource beside the classes ({@code "<Layer>.weight"},
   * {@code "<Layer>.bias"}). {@code WeightSource} reads files, so the resource is copied out first:
   * that also works when it sits in a jar.
   */
  private static Map<String, FloatTensor> weights() throws IOException {
    Path file = Files.createTempFile("Mnist8", ".npz");
    try {
      try (InputStream in = Mnist8MixedAccuracyTest.class.getResourceAsStream("Mnist8.npz")) {
        Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
      }
      Map<String, FloatTensor> weights = new HashMap<>();
      try (WeightSource source = WeightSource.open(file)) {
        for (String name : source.names()) {
          weights.put(name, source.get(name));
        }
      }
      return weights;
    } finally {
      Files.delete(file);
    }
  }

  private static int argmax(float[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }

  /** An IDX image file (magic 2051): each image's pixels divided by 255. */
  private static float[][] images(Path file) throws IOException {
    try (DataInputStream in = idx(file, 2051)) {
      int count = in.readInt();
      int size = in.readInt() * in.readInt();
      byte[] pixels = in.readNBytes(count * size);
      float[][] images = new float[count][size];
      for (int n = 0; n < count; n++) {
        for (int i = 0; i < size; i++) {
          images[n][i] = (pixels[n * size + i] & 0xff) / 255f;
        }
      }
      return images;
    }
  }

  /** An IDX label file (magic 2049). */
  private static int[] labels(Path file) throws IOException {
    try (DataInputStream in = idx(file, 2049)) {
      byte[] labels = in.readNBytes(in.readInt());
      return IntStream.range(0, labels.length).map(n -> labels[n]).toArray();
    }
  }

  private static DataInputStream idx(Path file, int magic) throws IOException {
    InputStream raw = new GZIPInputStream(Files.newInputStream(file));
    DataInputStream in = new DataInputStream(raw);
    int found = in.readInt();
    if (found != magic) {
      in.close();
      throw new IOException(file + ": IDX magic " + found + ", expected " + magic);
    }
    return in;
  }
}
