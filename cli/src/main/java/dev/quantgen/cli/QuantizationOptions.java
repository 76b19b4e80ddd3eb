package dev.quantgen.cli;

import dev.quantgen.quantize.calibrate.ObserverKind;
import dev.quantgen.quantize.calibrate.ObserverSpec;
import dev.quantgen.quantize.ptq.LayerQuantization;
import dev.quantgen.quantize.ptq.PtqConfig;
import dev.quantgen.runtime.layer.ActivationMode;
import dev.quantgen.runtime.model.Precision;
import dev.quantgen.runtime.numerics.QuantType;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * How {@code calibrate} and {@code report} quantize, as a picocli mixin: the precision, the
 * activation mode, and the observers of activations and weights. Unset choices keep {@link
 * LayerQuantization#of(Precision)}'s defaults.
 */
final class QuantizationOptions {
  @Option(
      names = "--precision",
      paramLabel = "P",
      defaultValue = "int8",
      converter = PrecisionConverter.class,
      description =
          "Weight precision of every layer: fp32, fp16, int8, int4 or binary; default ${DEFAULT-VALUE}.")
  Precision precision;

  @Option(
      names = "--activations",
      paramLabel = "MODE",
      converter = ModeConverter.class,
      description =
          "int8/int4 activations: static (calibrated, integer-only), dynamic (quantized per call) or "
              + "weight-only (float); default: static for int8, dynamic for int4.")
  ActivationMode activations;

  @Option(
      names = "--observer",
      paramLabel = "KIND",
      defaultValue = "minmax",
      converter = ObserverConverter.class,
      description =
          "Activation observer of the static layers: minmax, moving-average, percentile, entropy or mse; "
              + "default ${DEFAULT-VALUE}.")
  ObserverKind observer;

  @Option(
      names = "--weight-observer",
      paramLabel = "KIND",
      converter = ObserverConverter.class,
      description =
          "Weight clipping observer for int8/int4 (same kinds); default: minmax for int8, mse for int4.")
  ObserverKind weightObserver;

  /** The configuration for every layer of the model. */
  PtqConfig config() {
    return config(precision);
  }

  /**
   * The configuration for every layer at {@code p}, with the activation observer and, where {@code
   * p} takes them, the mode and weight observer of these options.
   *
   * @throws UsageProblem for an option {@code p} does not take
   */
  PtqConfig config(Precision p) {
    LayerQuantization layer = LayerQuantization.of(p);
    boolean integer = p == Precision.INT8 || p == Precision.INT4;
    if (activations != null && p == precision) {
      if (!integer) {
        throw new UsageProblem(
            "--activations applies to int8 and int4, not to --precision " + p.label());
      }
      layer = layer.withMode(activations);
    }
    if (weightObserver != null && integer) {
      layer = layer.withWeightObserver(weightObserver);
    }
    return PtqConfig.of(layer).withActivationObserver(activationSpec());
  }

  /** The spec of every activation boundary: asymmetric per-tensor int8 with the chosen kind. */
  ObserverSpec activationSpec() {
    return ObserverSpec.forActivations(QuantType.INT8).withKind(observer);
  }

  /** The command-line name of an observer kind ({@code moving-average}). */
  static String name(ObserverKind kind) {
    return kind == ObserverKind.MIN_MAX
        ? "minmax"
        : kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The command-line name of an activation mode ({@code weight-only}). */
  static String name(ActivationMode mode) {
    return mode == ActivationMode.FLOAT ? "weight-only" : mode.name().toLowerCase(Locale.ROOT);
  }

  static final class PrecisionConverter implements CommandLine.ITypeConverter<Precision> {
    @Override
    public Precision convert(String value) {
      for (Precision p : Precision.values()) {
        if (p.label().equalsIgnoreCase(value)) {
          return p;
        }
      }
      throw new CommandLine.TypeConversionException(
          "'"
              + value
              + "', expected one of "
              + Arrays.stream(Precision.values())
                  .map(Precision::label)
                  .collect(Collectors.joining(", ")));
    }
  }

  static final class ObserverConverter implements CommandLine.ITypeConverter<ObserverKind> {
    @Override
    public ObserverKind convert(String value) {
      for (ObserverKind k : ObserverKind.values()) {
        if (name(k).equalsIgnoreCase(value)) {
          return k;
        }
      }
      throw new CommandLine.TypeConversionException(
          "'"
              + value
              + "', expected one of "
              + Arrays.stream(ObserverKind.values())
                  .map(QuantizationOptions::name)
                  .collect(Collectors.joining(", ")));
    }
  }

  static final class ModeConverter implements CommandLine.ITypeConverter<ActivationMode> {
    @Override
    public ActivationMode convert(String value) {
      for (ActivationMode m :
          new ActivationMode[] {
            ActivationMode.STATIC, ActivationMode.DYNAMIC, ActivationMode.FLOAT
          }) {
        if (name(m).equalsIgnoreCase(value)) {
          return m;
        }
      }
      throw new CommandLine.TypeConversionException(
          "'" + value + "', expected static, dynamic or weight-only");
    }
  }
}
