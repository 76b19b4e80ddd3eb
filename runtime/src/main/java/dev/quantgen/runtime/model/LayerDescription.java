package dev.quantgen.runtime.model;

import dev.quantgen.runtime.layer.ActivationMode;
import dev.quantgen.runtime.numerics.RequantMode;
import java.util.Locale;

/**
 * The words of {@link PreparedLayer#describe()}; the annotation processor writes the same words for
 * its generated kernels ({@code GeneratedKernels.variants}), so a mismatch reads side by side.
 */
final class LayerDescription {
  private LayerDescription() {}

  /**
   * The scheme part of {@link PreparedLayer#describe()} for INT8/INT4: {@code int8 symmetric
   * per-channel static (integer requantization)}, {@code int4 asymmetric per-channel block 32
   * weight-only}.
   */
  static String quantizedScheme(
      Precision precision,
      boolean symmetric,
      boolean perChannel,
      int blockSize,
      ActivationMode mode,
      RequantMode requantization) {
    StringBuilder s =
        new StringBuilder(precision.label())
            .append(symmetric ? " symmetric" : " asymmetric")
            .append(perChannel ? " per-channel" : " per-tensor");
    if (blockSize > 0) {
      s.append(" block ").append(blockSize);
    }
    s.append(' ')
        .append(
            mode == ActivationMode.FLOAT ? "weight-only" : mode.name().toLowerCase(Locale.ROOT));
    if (mode == ActivationMode.STATIC) {
      s.append(" (")
          .append(requantization.name().toLowerCase(Locale.ROOT))
          .append(" requantization)");
    }
    return s.toString();
  }

  /**
   * The scheme part of {@link PreparedLayer#describe()} for BINARY: {@code binary per-channel
   * xnor}.
   */
  static String binaryScheme(boolean perChannel, ActivationMode mode) {
    return "binary"
        + (perChannel ? " per-channel" : " per-tensor")
        + (mode == ActivationMode.BINARY ? " xnor" : " weight-only");
  }
}
