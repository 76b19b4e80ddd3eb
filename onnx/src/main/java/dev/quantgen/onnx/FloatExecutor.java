package dev.quantgen.onnx;

import dev.quantgen.runtime.conv.AvgPool2d;
import dev.quantgen.runtime.conv.Conv2d;
import dev.quantgen.runtime.conv.Flatten;
import dev.quantgen.runtime.conv.MaxPool2d;
import dev.quantgen.runtime.conv.Window2d;
import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Runs a {@link LoweredModel} in FP32 with the reference layers of {@code dev.quantgen.runtime.conv}.
 * A dense layer runs as a 1x1 convolution over {@code [N, K, 1, 1]}, which is the same sum.
 * Immutable and thread-safe.
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
      Conv2d conv = new Conv2d(FloatTensor.of(Shape.of(d.out(), d.in(), 1, 1), d.weights().toArray()), d.bias(),
          Window2d.of(1, 1), 1, d.activation());
      return x -> reshape(conv.apply(reshape(x, Shape.of(x.shape().dim(0), d.in(), 1, 1))),
          Shape.of(x.shape().dim(0), d.out()));
    }
    if (layer instanceof PoolSpec p) {
      if (p.kind() == PoolSpec.Kind.MAX) {
        return new MaxPool2d(p.window())::apply;
      }
      return new AvgPool2d(p.window(), p.countIncludePad())::apply;
    }
    return Flatten::apply;
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
    for (UnaryOperator<FloatTensor> step : steps) {
      x = step.apply(x);
      outputs.add(x);
    }
    return outputs;
  }
}
