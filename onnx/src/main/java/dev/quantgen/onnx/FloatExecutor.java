package dev.quantgen.onnx;

import dev.quantgen.runtime.conv.AvgPool2d;
import dev.quantgen.runtime.conv.Conv2d;
import dev.quantgen.runtime.conv.Flatten;
import dev.quantgen.runtime.conv.GraphOps;
import dev.quantgen.runtime.conv.MaxPool2d;
import dev.quantgen.runtime.conv.Window2d;
import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Runs a {@link LoweredModel} in FP32 with the reference layers of {@code
 * dev.quantgen.runtime.conv}. A dense layer runs as a 1x1 convolution over {@code [N, K, 1, 1]},
 * which is the same sum; joins and softmax run {@link GraphOps} sample by sample. Immutable and
 * thread-safe.
 */
public final class FloatExecutor {
  private final LoweredModel model;
  private final List<UnaryOperator<FloatTensor>> steps = new ArrayList<>();

  public FloatExecutor(LoweredModel model) {
    this.model = model;
    for (LoweredLayer layer : model.layers()) {
      steps.add(step(layer));
    }
  }

  private static UnaryOperator<FloatTensor> step(LoweredLayer layer) {
    if (layer instanceof ConvSpec c) {
      Conv2d conv = new Conv2d(c.weights(), c.bias(), c.window(), c.groups(), c.activation());
      return conv::apply;
    }
    if (layer instanceof DenseSpec d) {
      Conv2d conv =
          new Conv2d(
              FloatTensor.of(Shape.of(d.out(), d.in(), 1, 1), d.weights().toArray()),
              d.bias(),
              Window2d.of(1, 1),
              1,
              d.activation());
      return x ->
          reshape(
              conv.apply(reshape(x, Shape.of(x.shape().dim(0), d.in(), 1, 1))),
              Shape.of(x.shape().dim(0), d.out()));
    }
    if (layer instanceof PoolSpec p) {
      if (p.kind() == PoolSpec.Kind.MAX) {
        return new MaxPool2d(p.window())::apply;
      }
      return new AvgPool2d(p.window(), p.countIncludePad())::apply;
    }
    if (layer instanceof SoftmaxSpec) {
      return x -> perSample(x, x, (a, b, y) -> GraphOps.softmax(a, y), x.shape());
    }
    if (layer instanceof JoinSpec) {
      return null; // reads an earlier output: run by runAll
    }
    return Flatten::apply;
  }

  /** Sample by sample: {@code op(a[n], b[n], y[n])} into a tensor of {@code [N, ...out]}. */
  static FloatTensor perSample(FloatTensor a, FloatTensor b, SampleOp op, Shape out) {
    int n = a.shape().dim(0);
    int[] dims = out.dims().clone();
    dims[0] = n;
    float[] av = a.toArray();
    float[] bv = b.toArray();
    int pa = av.length / n;
    int pb = bv.length / n;
    float[] yv = new float[n * (out.size() / out.dim(0))];
    int py = yv.length / n;
    float[] ra = new float[pa];
    float[] rb = new float[pb];
    float[] ry = new float[py];
    for (int i = 0; i < n; i++) {
      System.arraycopy(av, i * pa, ra, 0, pa);
      System.arraycopy(bv, i * pb, rb, 0, pb);
      op.apply(ra, rb, ry);
      System.arraycopy(ry, 0, yv, i * py, py);
    }
    return FloatTensor.of(Shape.of(dims), yv);
  }

  /** One sample's operator. */
  interface SampleOp {
    void apply(float[] a, float[] b, float[] y);
  }

  /** A join of the chain's value {@code x} and {@code other}, both {@code [N, ...]}. */
  static FloatTensor join(JoinSpec j, FloatTensor x, FloatTensor other) {
    int[] out = new int[j.outputShape().rank() + 1];
    out[0] = x.shape().dim(0);
    System.arraycopy(j.outputShape().dims(), 0, out, 1, out.length - 1);
    return perSample(
        x, other, j.kind() == JoinSpec.Kind.ADD ? GraphOps::add : GraphOps::concat, Shape.of(out));
  }

  private static FloatTensor reshape(FloatTensor x, Shape shape) {
    return FloatTensor.of(shape, x.toArray());
  }

  public LoweredModel model() {
    return model;
  }

  /**
   * Runs a batch.
   *
   * @param batch {@code [N, ...model input shape]}
   * @return {@code [N, ...model output shape]}
   */
  public FloatTensor run(FloatTensor batch) {
    List<FloatTensor> all = runAll(batch);
    return all.get(all.size() - 1);
  }

  /** Runs a batch and returns every layer's output, in order (for calibration). */
  public List<FloatTensor> runAll(FloatTensor batch) {
    Batches.requireInput(model, batch.shape());
    List<FloatTensor> outputs = new ArrayList<>(steps.size());
    FloatTensor x = batch;
    for (int i = 0; i < steps.size(); i++) {
      if (model.layers().get(i) instanceof JoinSpec j) {
        x = join(j, x, j.from() < 0 ? batch : outputs.get(j.from()));
      } else {
        x = steps.get(i).apply(x);
      }
      outputs.add(x);
    }
    return outputs;
  }
}
