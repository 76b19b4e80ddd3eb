package dev.quantgen.examples.fashion;

import dev.quantgen.runtime.data.Dataset;
import dev.quantgen.runtime.ptq.InferenceSession;
import dev.quantgen.runtime.ptq.QuantizedModel;
import java.net.URISyntaxException;
import java.nio.file.Path;

/** Results across precisions for the Fashion-MNIST models. */
public final class FashionResults {
  static final String MLP_FP32 = "fashion-mlp-784-256-128-10.npz";

  private FashionResults() {}

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
