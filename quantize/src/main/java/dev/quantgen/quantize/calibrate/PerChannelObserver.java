package dev.quantgen.quantize.calibrate;

import dev.quantgen.annotations.Scheme;
import dev.quantgen.runtime.numerics.QuantParams;
import dev.quantgen.runtime.numerics.QuantType;
import dev.quantgen.runtime.numerics.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * One {@link Observer} per index of a channel axis: axis 1 of a {@code [batch, channels]} dense
 * output or an NCHW activation, axis 0 of a {@code [out, in]} dense weight or an {@code [M, C, kh,
 * kw]} conv weight. Negative axes count from the end.
 *
 * <p>Each batch hands every channel observer one batch holding that channel's values in row-major
 * order, so observers that weigh batches (moving average) see the same batches as per tensor.
 */
public final class PerChannelObserver implements TensorObserver {
  private final int axis;
  private final Supplier<? extends Observer> factory;
  private final List<Observer> channels = new ArrayList<>();
  private float[] scratch = new float[0];

  /**
   * @param axis the channel axis, in {@code [-rank, rank)} of the observed shapes
   * @param factory makes a fresh observer for each channel
   */
  public PerChannelObserver(int axis, Supplier<? extends Observer> factory) {
    this.axis = axis;
    this.factory = Objects.requireNonNull(factory, "factory");
  }

  /** The channel axis as given (possibly negative). */
  public int axis() {
    return axis;
  }

  @Override
  public void observe(float[] data, int off, Shape shape) {
    Objects.requireNonNull(shape, "shape");
    int a = shape.normalizeAxis(axis);
    int count = shape.dim(a);
    if (!channels.isEmpty() && count != channels.size()) {
      throw new IllegalArgumentException(
          "shape "
              + Arrays.toString(shape.dims())
              + ": axis "
              + axis
              + " has "
              + count
              + " channels, expected "
              + channels.size()
              + " as in earlier batches");
    }
    // Check the whole batch first: a bad value is reported with its index in data, and no channel
    // has seen part of a rejected batch.
    Batches.requireFinite("PerChannelObserver", data, off, shape.size());
    while (channels.size() < count) {
      channels.add(Objects.requireNonNull(factory.get(), "factory returned null"));
    }
    int outer = shape.outerSize(a);
    int inner = shape.innerSize(a);
    int perChannel = outer * inner;
    if (scratch.length < perChannel) {
      scratch = new float[perChannel];
    }
    for (int c = 0; c < count; c++) {
      for (int o = 0; o < outer; o++) {
        System.arraycopy(data, off + (o * count + c) * inner, scratch, o * inner, inner);
      }
      channels.get(c).observe(scratch, 0, perChannel);
    }
  }

  @Override
  public List<Range> ranges() {
    if (channels.isEmpty()) {
      throw new IllegalStateException("PerChannelObserver: no batch observed yet");
    }
    List<Range> ranges = new ArrayList<>(channels.size());
    for (Observer channel : channels) {
      ranges.add(channel.range());
    }
    return List.copyOf(ranges);
  }

  @Override
  public QuantParams quantParams(QuantType type, Scheme scheme) {
    List<Range> ranges = ranges();
    float[] scales = new float[ranges.size()];
    int[] zeroPoints = new int[ranges.size()];
    for (int c = 0; c < scales.length; c++) {
      QuantParams channel = ranges.get(c).quantParams(type, scheme);
      scales[c] = channel.scales().get(0);
      zeroPoints[c] = channel.zeroPoints().get(0);
    }
    return QuantParams.perAxis(axis, scales, zeroPoints, type);
  }
}
