package dev.quantgen.onnx;

import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.Shape;
import dev.quantgen.testkit.SharedData;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** The 10,000 MNIST test images (pixels / 255, as mnist-8 expects) and labels from ../shared. */
record MnistTestSet(float[] pixels, int[] labels) {
  static final int SIDE = 28;
  static final int PIXELS = SIDE * SIDE;

  static MnistTestSet load() throws IOException {
    return load(
        SharedData.require("data/mnist/t10k-images-idx3-ubyte.gz"),
        SharedData.require("data/mnist/t10k-labels-idx1-ubyte.gz"));
  }

  /** The 10,000 Fashion-MNIST test images (same layout and scaling), from the Debian package. */
  static MnistTestSet fashion() throws IOException {
    Path root = SharedData.requireFashionMnist();
    return load(
        root.resolve("t10k-images-idx3-ubyte.gz"), root.resolve("t10k-labels-idx1-ubyte.gz"));
  }

  private static MnistTestSet load(Path images, Path labels) throws IOException {
    float[] pixels;
    try (DataInputStream in = gz(images)) {
      require(in.readInt() == 0x803, images);
      int n = in.readInt();
      int rows = in.readInt();
      int columns = in.readInt();
      require(rows == SIDE && columns == SIDE, images);
      byte[] raw = in.readNBytes(n * PIXELS);
      require(raw.length == n * PIXELS, images);
      pixels = new float[raw.length];
      for (int i = 0; i < raw.length; i++) {
        pixels[i] = (raw[i] & 0xff) / 255f;
      }
    }
    int[] y;
    try (DataInputStream in = gz(labels)) {
      require(in.readInt() == 0x801, labels);
      y = new int[in.readInt()];
      for (int i = 0; i < y.length; i++) {
        y[i] = in.readUnsignedByte();
      }
    }
    require(y.length * PIXELS == pixels.length, labels);
    return new MnistTestSet(pixels, y);
  }

  private static DataInputStream gz(Path p) throws IOException {
    InputStream in = new GZIPInputStream(Files.newInputStream(p));
    return new DataInputStream(in);
  }

  private static void require(boolean ok, Path p) throws IOException {
    if (!ok) {
      throw new IOException(p + ": not an MNIST IDX file");
    }
  }

  int size() {
    return labels.length;
  }

  /** Images {@code [from, to)} as {@code [to - from, 1, 28, 28]}. */
  FloatTensor images(int from, int to) {
    float[] v = new float[(to - from) * PIXELS];
    System.arraycopy(pixels, from * PIXELS, v, 0, v.length);
    return FloatTensor.of(Shape.of(to - from, 1, SIDE, SIDE), v);
  }

  /** The index of the largest of each row of {@code [N, classes]} logits (first one on ties). */
  static int[] argmax(FloatTensor logits) {
    int n = logits.shape().dim(0);
    int k = logits.shape().dim(1);
    int[] best = new int[n];
    for (int i = 0; i < n; i++) {
      for (int c = 1; c < k; c++) {
        if (logits.get(i * k + c) > logits.get(i * k + best[i])) {
          best[i] = c;
        }
      }
    }
    return best;
  }
}
