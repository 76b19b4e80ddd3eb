package dev.quantgen.examples.fashion;

import dev.quantgen.quantize.data.Idx;
import dev.quantgen.quantize.data.ImageSet;
import dev.quantgen.quantize.data.Labels;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Cuts the demo's embedded data: the first {@value #COUNT} Fashion-MNIST test images and labels,
 * written unchanged as gzipped IDX files ({@code t10k-first2000-images-idx3-ubyte.gz}, {@code
 * t10k-first2000-labels-idx1-ubyte.gz}).
 *
 * <p>Usage: {@code ExportFashionTestSubset OUT_DIR [DATA_DIR]}; the data folder defaults to {@code
 * /usr/share/datasets/fashion-mnist}.
 */
public final class ExportFashionTestSubset {
  public static final int COUNT = 2000;
  public static final String IMAGES = "t10k-first2000-images-idx3-ubyte.gz";
  public static final String LABELS = "t10k-first2000-labels-idx1-ubyte.gz";

  private ExportFashionTestSubset() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 1 || args.length > 2) {
      throw new IllegalArgumentException("usage: ExportFashionTestSubset OUT_DIR [DATA_DIR]");
    }
    Path out = Paths.get(args[0]);
    Path data = Paths.get(args.length > 1 ? args[1] : "/usr/share/datasets/fashion-mnist");
    ImageSet images = Idx.readImages(data.resolve("t10k-images-idx3-ubyte.gz"));
    Labels labels = Idx.readLabels(data.resolve("t10k-labels-idx1-ubyte.gz"));
    Idx.writeImagesGz(images.range(0, COUNT), out.resolve(IMAGES));
    Idx.writeLabelsGz(labels.range(0, COUNT), out.resolve(LABELS));
  }
}
