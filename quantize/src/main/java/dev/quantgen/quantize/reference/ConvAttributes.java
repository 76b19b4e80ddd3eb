package dev.quantgen.quantize.reference;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * The attributes of an ONNX convolution ({@code ConvInteger}, {@code QLinearConv}): auto padding,
 * explicit pads, strides, dilations, group and kernel shape, with the ONNX defaults.
 *
 * <p>Every array attribute may be left unset ({@code null}): pads then default to 0, strides and
 * dilations to 1 on every spatial axis, and the kernel shape to the spatial dimensions of the
 * weight. The spatial rank is only known once the input arrives, so lengths are checked by {@link
 * #resolve}; values are checked here, when the attributes are built. Immutable.
 */
public final class ConvAttributes {
  /** ONNX {@code auto_pad}. */
  public enum AutoPad {
    /** Use the explicit {@code pads}. */
    NOTSET,
    /** Output size {@code ceil(D / stride)}; an odd extra pad goes at the end. */
    SAME_UPPER,
    /** Output size {@code ceil(D / stride)}; an odd extra pad goes at the beginning. */
    SAME_LOWER,
    /** No padding. */
    VALID;

    /** Parses an ONNX {@code auto_pad} string such as {@code SAME_UPPER}. */
    public static AutoPad fromOnnxName(String name) {
      for (AutoPad p : values()) {
        if (p.name().equals(name)) {
          return p;
        }
      }
      throw new IllegalArgumentException(
          "auto_pad '"
              + name
              + "' is unknown: expected one of NOTSET, SAME_UPPER, SAME_LOWER, VALID");
    }
  }

  private static final ConvAttributes DEFAULTS = builder().build();

  private final AutoPad autoPad;
  private final int[] pads;
  private final int[] strides;
  private final int[] dilations;
  private final int group;
  private final int[] kernelShape;

  private ConvAttributes(Builder b) {
    this.autoPad = b.autoPad;
    this.pads = b.pads;
    this.strides = b.strides;
    this.dilations = b.dilations;
    this.group = b.group;
    this.kernelShape = b.kernelShape;
    if (pads != null) {
      requireAll("pads", pads, 0, "expected every pad >= 0");
      if (pads.length % 2 != 0) {
        throw new IllegalArgumentException(
            "pads "
                + Arrays.toString(pads)
                + " has odd length "
                + pads.length
                + ": expected [b1, b2, ..., e1, e2, ...], two per spatial axis");
      }
      if (autoPad != AutoPad.NOTSET) {
        throw new IllegalArgumentException(
            "pads "
                + Arrays.toString(pads)
                + " given with auto_pad "
                + autoPad
                + ": expected explicit pads only with auto_pad NOTSET");
      }
    }
    if (strides != null) {
      requireAll("strides", strides, 1, "expected every stride >= 1");
    }
    if (dilations != null) {
      requireAll("dilations", dilations, 1, "expected every dilation >= 1");
    }
    if (kernelShape != null) {
      requireAll("kernelShape", kernelShape, 1, "expected every kernel dimension >= 1");
    }
    if (group < 1) {
      throw new IllegalArgumentException("group " + group + ": expected >= 1");
    }
  }

  private static void requireAll(String name, int[] values, int min, String expectation) {
    for (int i = 0; i < values.length; i++) {
      if (values[i] < min) {
        throw new IllegalArgumentException(
            name
                + " "
                + Arrays.toString(values)
                + ": element "
                + i
                + " is "
                + values[i]
                + ", "
                + expectation);
      }
    }
  }

  /**
   * All ONNX defaults: NOTSET, no padding, stride 1, dilation 1, group 1, kernel from the weight.
   */
  public static ConvAttributes defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  public AutoPad autoPad() {
    return autoPad;
  }

  /** A copy of the explicit pads, or null when unset. */
  public int[] pads() {
    return pads == null ? null : pads.clone();
  }

  /** A copy of the strides, or null when unset (all 1). */
  public int[] strides() {
    return strides == null ? null : strides.clone();
  }

  /** A copy of the dilations, or null when unset (all 1). */
  public int[] dilations() {
    return dilations == null ? null : dilations.clone();
  }

  public int group() {
    return group;
  }

  /** A copy of the kernel shape, or null when it comes from the weight. */
  public int[] kernelShape() {
    return kernelShape == null ? null : kernelShape.clone();
  }

  /**
   * Fixes every attribute for one input: checks lengths against the spatial rank, checks the kernel
   * shape against the weight, computes the padding (auto_pad included) and output size.
   *
   * @param inputSpatial the input's spatial dimensions (after N and C)
   * @param weightSpatial the weight's spatial dimensions (after M and C/group)
   */
  ConvGeometry resolve(int[] inputSpatial, int[] weightSpatial) {
    int rank = inputSpatial.length;
    int[] k = weightSpatial.clone();
    if (kernelShape != null) {
      requireLength("kernelShape", kernelShape, rank);
      if (!Arrays.equals(kernelShape, weightSpatial)) {
        throw new IllegalArgumentException(
            "kernelShape "
                + Arrays.toString(kernelShape)
                + ": expected the weight's spatial dimensions "
                + Arrays.toString(weightSpatial));
      }
    }
    int[] s = strides == null ? filled(rank, 1) : requireLength("strides", strides, rank);
    int[] d = dilations == null ? filled(rank, 1) : requireLength("dilations", dilations, rank);
    int[] begin = new int[rank];
    int[] out = new int[rank];
    for (int i = 0; i < rank; i++) {
      // long throughout: sizes, pads, strides, dilations and kernel are each below 2^31, so no
      // product or sum below reaches 2^63
      long in = inputSpatial[i];
      long extent = (long) d[i] * (k[i] - 1) + 1; // the dilated kernel's reach
      long padBegin = 0;
      long padEnd = 0;
      switch (autoPad) {
        case NOTSET -> {
          if (pads != null) {
            requireLength("pads", pads, 2 * rank);
            padBegin = pads[i];
            padEnd = pads[rank + i];
          }
        }
        case VALID -> {}
        case SAME_UPPER, SAME_LOWER -> {
          long target = (in + s[i] - 1) / s[i]; // ceil(D / stride)
          long total = Math.max(0, (target - 1) * s[i] + extent - in);
          long small = total / 2;
          padBegin = autoPad == AutoPad.SAME_UPPER ? small : total - small;
          padEnd = total - padBegin;
        }
      }
      long padded = in + padBegin + padEnd;
      if (padded > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(
            "input spatial axis "
                + i
                + " of size "
                + in
                + " with pads "
                + padBegin
                + "+"
                + padEnd
                + " is "
                + padded
                + " cells: expected a padded size of at most 2^31 - 1");
      }
      if (padded < extent) {
        throw new IllegalArgumentException(
            "input spatial axis "
                + i
                + " of size "
                + in
                + " with pads "
                + padBegin
                + "+"
                + padEnd
                + " is smaller than the dilated kernel extent "
                + extent
                + ": expected at least one output position");
      }
      // every tap coordinate o * stride + k * dilation - padBegin lies in [-padBegin, in + padEnd),
      // inside the int range because the padded size is at most 2^31 - 1
      begin[i] = (int) padBegin;
      out[i] = (int) ((padded - extent) / s[i] + 1);
    }
    return new ConvGeometry(k, s, d, begin, out);
  }

  private static int[] requireLength(String name, int[] values, int expected) {
    if (values.length != expected) {
      throw new IllegalArgumentException(
          name
              + " "
              + Arrays.toString(values)
              + " has length "
              + values.length
              + ": expected "
              + expected
              + " for the input's spatial rank");
    }
    return values;
  }

  private static int[] filled(int n, int v) {
    int[] a = new int[n];
    Arrays.fill(a, v);
    return a;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ConvAttributes a
        && autoPad == a.autoPad
        && group == a.group
        && Arrays.equals(pads, a.pads)
        && Arrays.equals(strides, a.strides)
        && Arrays.equals(dilations, a.dilations)
        && Arrays.equals(kernelShape, a.kernelShape);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        autoPad,
        group,
        Arrays.hashCode(pads),
        Arrays.hashCode(strides),
        Arrays.hashCode(dilations),
        Arrays.hashCode(kernelShape));
  }

  @Override
  public String toString() {
    return "ConvAttributes{auto_pad="
        + autoPad.name().toLowerCase(Locale.ROOT)
        + ", pads="
        + Arrays.toString(pads)
        + ", strides="
        + Arrays.toString(strides)
        + ", dilations="
        + Arrays.toString(dilations)
        + ", group="
        + group
        + ", kernel_shape="
        + Arrays.toString(kernelShape)
        + "}";
  }

  /** Builds {@link ConvAttributes}; unset attributes keep their ONNX defaults. */
  public static final class Builder {
    private AutoPad autoPad = AutoPad.NOTSET;
    private int[] pads;
    private int[] strides;
    private int[] dilations;
    private int group = 1;
    private int[] kernelShape;

    private Builder() {}

    public Builder autoPad(AutoPad autoPad) {
      this.autoPad = Objects.requireNonNull(autoPad, "autoPad");
      return this;
    }

    /** {@code [b1, b2, ..., e1, e2, ...]}: all beginnings, then all ends. */
    public Builder pads(int... pads) {
      this.pads = pads.clone();
      return this;
    }

    public Builder strides(int... strides) {
      this.strides = strides.clone();
      return this;
    }

    public Builder dilations(int... dilations) {
      this.dilations = dilations.clone();
      return this;
    }

    public Builder group(int group) {
      this.group = group;
      return this;
    }

    public Builder kernelShape(int... kernelShape) {
      this.kernelShape = kernelShape.clone();
      return this;
    }

    /**
     * @throws IllegalArgumentException naming the first attribute with a bad value
     */
    public ConvAttributes build() {
      return new ConvAttributes(this);
    }
  }
}
