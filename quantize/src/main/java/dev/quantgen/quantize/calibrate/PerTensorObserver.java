package dev.quantgen.quantize.calibrate;

import dev.quantgen.annotations.Scheme;
import dev.quantgen.runtime.numerics.QuantParams;
import dev.quantgen.runtime.numerics.QuantType;
import dev.quantgen.runtime.numerics.Shape;
import java.util.List;
import java.util.Objects;

/** One {@link Observer} for all values of a tensor, whatever its shape. */
public final class PerTensorObserver implements TensorObserver {
  private final Observer observer;

  public PerTensorObserver(Observer observer) {
    this.observer = Objects.requireNonNull(observer, "observer");
  }

  @Override
  public void observe(float[] data, int off, Shape shape) {
    Objects.requireNonNull(shape, "shape");
    observer.observe(data, off, shape.size());
  }

  @Override
  public List<Range> ranges() {
    return List.of(observer.range());
  }

  @Override
  public QuantParams quantParams(QuantType type, Scheme scheme) {
    return observer.range().quantParams(type, scheme);
  }
}
