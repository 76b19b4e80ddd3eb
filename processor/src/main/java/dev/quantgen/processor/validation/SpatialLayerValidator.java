package dev.quantgen.processor.validation;

import dev.quantgen.annotations.Padding;
import dev.quantgen.processor.Diagnostics;
import dev.quantgen.processor.Message;
import dev.quantgen.processor.model.FusedActivation;
import dev.quantgen.processor.model.SpatialSpec;
import dev.quantgen.processor.model.VariantSpec;
import java.util.List;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.TypeElement;

/**
 * Validates the shapes of {@code @Conv2d}, {@code @MaxPool2d}, {@code @AvgPool2d} and
 * {@code @Flatten}: positive sizes, pairs of one or two values, groups that divide the channels,
 * and an output of at least one cell (ONNX output-size formula).
 */
final class SpatialLayerValidator {
  /** The names every spec of one annotated class shares. */
  private record Names(String packageName, String baseName, String name, boolean isPublic) {}

  /** A window of one cell: the layers that have no window. */
  private static final SpatialSpec.Window NO_WINDOW =
      new SpatialSpec.Window(1, 1, 1, 1, 1, 1, 0, 0, 0, 0);

  private final AnnotationReader reader;
  private final ClipBounds clipBounds;

  SpatialLayerValidator(AnnotationReader reader) {
    this.reader = reader;
    this.clipBounds = new ClipBounds(reader);
  }

  void validate(TypeElement type, AnnotationMirror m, String kind, List<Diagnostics> out) {
    if (kind.equals(AnnotationNames.SOFTMAX)) {
      positive(type, m, "size", out);
    } else if (kind.equals(AnnotationNames.CONCAT)) {
      validateConcat(type, m, out);
    } else if (featureMapOnly(kind)) {
      positive(type, m, "channels", out);
      positive(type, m, "height", out);
      positive(type, m, "width", out);
    } else {
      validateWindowed(type, m, kind.equals(AnnotationNames.CONV2D), out);
    }
  }

  /** Flatten, global average pooling and add: a {@code channels x height x width} input only. */
  private static boolean featureMapOnly(String kind) {
    return kind.equals(AnnotationNames.FLATTEN)
        || kind.equals(AnnotationNames.GLOBAL_AVG_POOL2D)
        || kind.equals(AnnotationNames.ADD);
  }

  private void validateConcat(TypeElement type, AnnotationMirror m, List<Diagnostics> out) {
    int[] channels = reader.intArray(m, "channels");
    if (channels.length != 2 || channels[0] <= 0 || channels[1] <= 0) {
      out.add(
          Diagnostics.of(
              Message.INVALID_SHAPE,
              type,
              m,
              reader.value(m, "channels"),
              "channels",
              show(channels),
              "two positive values: {the previous layer's channels, from's channels}"));
    }
    positive(type, m, "height", out);
    positive(type, m, "width", out);
  }

  /** A convolution or a pooling window: sizes, pairs, padding, groups, a non-empty output. */
  private void validateWindowed(
      TypeElement type, AnnotationMirror m, boolean conv, List<Diagnostics> out) {
    if (conv) {
      clipBounds.read(type, m, out);
    }
    int channelsIn = positive(type, m, conv ? "inChannels" : "channels", out);
    int height = positive(type, m, "inHeight", out);
    int width = positive(type, m, "inWidth", out);
    int[] kernel = pair(type, m, "kernel", 1, out);
    int[] stride = pair(type, m, "stride", conv ? 1 : 0, out);
    int[] padding = pair(type, m, "padding", 0, out);
    int[] dilation = conv ? pair(type, m, "dilation", 1, out) : new int[] {1, 1};
    boolean same = reader.enumValue(m, "paddingMode", Padding.class) == Padding.SAME;
    if (same && padding != null && (padding[0] != 0 || padding[1] != 0)) {
      out.add(
          Diagnostics.of(
              Message.INVALID_SHAPE,
              type,
              m,
              reader.value(m, "padding"),
              "padding",
              show(padding),
              "0 with paddingMode = SAME (the padding is computed); remove padding or use EXPLICIT"));
    }
    if (conv) {
      validateGroups(type, m, channelsIn, out);
    } else if (kernel != null
        && padding != null
        && (padding[0] >= kernel[0] || padding[1] >= kernel[1])) {
      out.add(
          Diagnostics.of(
              Message.INVALID_SHAPE,
              type,
              m,
              reader.value(m, "padding"),
              "padding",
              show(padding),
              "values below the kernel size "
                  + show(kernel)
                  + " (a window must see at least one real cell)"));
    }
    if (kernel == null
        || stride == null
        || padding == null
        || dilation == null
        || height <= 0
        || width <= 0
        || same) {
      return;
    }
    validateOutput(type, m, new int[] {height, width}, kernel, stride, padding, dilation, out);
  }

  /** {@code outChannels} and {@code groups}, which divides both channel counts. */
  private void validateGroups(
      TypeElement type, AnnotationMirror m, int channelsIn, List<Diagnostics> out) {
    int channelsOut = positive(type, m, "outChannels", out);
    int groups = positive(type, m, "groups", out);
    if (groups > 0 && (channelsIn % groups != 0 || channelsOut % groups != 0)) {
      out.add(
          Diagnostics.of(
              Message.INVALID_SHAPE,
              type,
              m,
              reader.value(m, "groups"),
              "groups",
              groups,
              "a divisor of inChannels = " + channelsIn + " and outChannels = " + channelsOut));
    }
  }

  /** The (dilated) window fits the padded input on both axes: an output of at least one cell. */
  private void validateOutput(
      TypeElement type,
      AnnotationMirror m,
      int[] size,
      int[] kernel,
      int[] stride,
      int[] padding,
      int[] dilation,
      List<Diagnostics> out) {
    for (int axis = 0; axis < 2; axis++) {
      int s = stride[axis] == 0 ? kernel[axis] : stride[axis];
      int extent = size[axis] + 2 * padding[axis] - dilation[axis] * (kernel[axis] - 1) - 1;
      if (extent < 0 || extent / s + 1 <= 0) {
        out.add(
            Diagnostics.of(
                Message.INVALID_SHAPE,
                type,
                m,
                reader.value(m, "kernel"),
                "kernel",
                show(kernel),
                "a (dilated) window that fits the padded "
                    + (axis == 0 ? "height " : "width ")
                    + size[axis]
                    + ": the output would be empty"));
        return;
      }
    }
  }

  /**
   * The spec of a layer {@link #validate} accepted: SAME padding becomes explicit pads as ONNX
   * {@code SAME_UPPER} places them (an odd total pad puts the extra cell at the end), a pooling
   * stride of 0 becomes the kernel size.
   */
  SpatialSpec resolve(
      TypeElement type,
      AnnotationMirror m,
      String kind,
      String packageName,
      String baseName,
      boolean isPublic,
      List<VariantSpec> variants) {
    Names names = new Names(packageName, baseName, type.getQualifiedName().toString(), isPublic);
    if (kind.equals(AnnotationNames.SOFTMAX)) {
      int n = reader.intValue(m, "size");
      return unwindowed(SpatialSpec.Kind.SOFTMAX, names, n, 1, 1, n, 1, 1, "", 0);
    }
    if (kind.equals(AnnotationNames.CONCAT)) {
      int[] c = reader.intArray(m, "channels");
      int h = reader.intValue(m, "height");
      int w = reader.intValue(m, "width");
      return unwindowed(
          SpatialSpec.Kind.CONCAT, names, c[0], h, w, c[0] + c[1], h, w, from(m), c[1]);
    }
    if (featureMapOnly(kind)) {
      int c = reader.intValue(m, "channels");
      int h = reader.intValue(m, "height");
      int w = reader.intValue(m, "width");
      if (kind.equals(AnnotationNames.ADD)) {
        return unwindowed(SpatialSpec.Kind.ADD, names, c, h, w, c, h, w, from(m), c);
      }
      boolean flatten = kind.equals(AnnotationNames.FLATTEN);
      return unwindowed(
          flatten ? SpatialSpec.Kind.FLATTEN : SpatialSpec.Kind.GLOBAL_AVG_POOL,
          names,
          c,
          h,
          w,
          flatten ? c * h * w : c,
          1,
          1,
          "",
          0);
    }
    return resolveWindowed(m, kind, names, variants);
  }

  /** A spec with no window, weights or activation: softmax, concat, add, flatten, global pool. */
  private static SpatialSpec unwindowed(
      SpatialSpec.Kind kind,
      Names names,
      int inChannels,
      int inHeight,
      int inWidth,
      int outChannels,
      int outHeight,
      int outWidth,
      String from,
      int fromChannels) {
    return new SpatialSpec(
        kind,
        names.packageName(),
        names.baseName(),
        names.name(),
        names.isPublic(),
        inChannels,
        inHeight,
        inWidth,
        outChannels,
        outHeight,
        outWidth,
        NO_WINDOW,
        1,
        false,
        FusedActivation.NONE,
        List.of(),
        from,
        fromChannels);
  }

  /** A convolution or pooling spec, its window resolved. */
  private SpatialSpec resolveWindowed(
      AnnotationMirror m, String kind, Names names, List<VariantSpec> variants) {
    boolean conv = kind.equals(AnnotationNames.CONV2D);
    int channels = reader.intValue(m, conv ? "inChannels" : "channels");
    int[] size = {reader.intValue(m, "inHeight"), reader.intValue(m, "inWidth")};
    int[] outSize = new int[2];
    SpatialSpec.Window window = window(m, conv, size, outSize);
    SpatialSpec.Kind k =
        conv
            ? SpatialSpec.Kind.CONV
            : kind.equals(AnnotationNames.MAX_POOL2D)
                ? SpatialSpec.Kind.MAX_POOL
                : SpatialSpec.Kind.AVG_POOL;
    return new SpatialSpec(
        k,
        names.packageName(),
        names.baseName(),
        names.name(),
        names.isPublic(),
        channels,
        size[0],
        size[1],
        conv ? reader.intValue(m, "outChannels") : channels,
        outSize[0],
        outSize[1],
        window,
        conv ? reader.intValue(m, "groups") : 1,
        conv && reader.booleanValue(m, "bias"),
        // validated by validateWindowed: no errors left to report
        conv ? clipBounds.read(null, m, new java.util.ArrayList<>()) : FusedActivation.NONE,
        conv ? variants : List.of(),
        "",
        0);
  }

  /**
   * The window over an input of {@code size}: explicit pads (SAME resolved), a pooling stride of 0
   * as the kernel size; the output size goes to {@code outSize}.
   */
  private SpatialSpec.Window window(AnnotationMirror m, boolean conv, int[] size, int[] outSize) {
    int[] kernel = twice(reader.intArray(m, "kernel"));
    int[] stride = twice(reader.intArray(m, "stride"));
    int[] padding = twice(reader.intArray(m, "padding"));
    int[] dilation = conv ? twice(reader.intArray(m, "dilation")) : new int[] {1, 1};
    boolean same = reader.enumValue(m, "paddingMode", Padding.class) == Padding.SAME;
    int[] begin = new int[2];
    int[] end = new int[2];
    for (int axis = 0; axis < 2; axis++) {
      if (stride[axis] == 0) {
        stride[axis] = kernel[axis];
      }
      int extent = dilation[axis] * (kernel[axis] - 1) + 1;
      begin[axis] = padding[axis];
      end[axis] = padding[axis];
      if (same) {
        int target = (size[axis] + stride[axis] - 1) / stride[axis];
        int total = Math.max(0, (target - 1) * stride[axis] + extent - size[axis]);
        begin[axis] = total / 2;
        end[axis] = total - begin[axis];
      }
      outSize[axis] = (size[axis] + begin[axis] + end[axis] - extent) / stride[axis] + 1;
    }
    return new SpatialSpec.Window(
        kernel[0],
        kernel[1],
        stride[0],
        stride[1],
        dilation[0],
        dilation[1],
        begin[0],
        begin[1],
        end[0],
        end[1]);
  }

  /**
   * The qualified name of a join's {@code from} class ({@code Model.Input}'s for the model's
   * input).
   */
  private String from(AnnotationMirror m) {
    // javac hands an unresolved class (its own error) over as a string: the model then reports it
    // as unknown
    Object v = reader.value(m, "from").getValue();
    return v instanceof javax.lang.model.type.DeclaredType d
        ? ((TypeElement) d.asElement()).getQualifiedName().toString()
        : String.valueOf(v);
  }

  private static int[] twice(int[] v) {
    return v.length == 1 ? new int[] {v[0], v[0]} : v.clone();
  }

  private int positive(TypeElement type, AnnotationMirror m, String name, List<Diagnostics> out) {
    int v = reader.intValue(m, name);
    if (v <= 0) {
      out.add(
          Diagnostics.of(
              Message.INVALID_SHAPE, type, m, reader.value(m, name), name, v, "a positive size"));
    }
    return v;
  }

  /** A {@code {v}} or {@code {h, w}} attribute as {@code {h, w}}; null (reported) when invalid. */
  private int[] pair(
      TypeElement type, AnnotationMirror m, String name, int min, List<Diagnostics> out) {
    int[] v = reader.intArray(m, name);
    boolean ok = v.length == 1 || v.length == 2;
    for (int x : v) {
      ok &= x >= min;
    }
    if (!ok) {
      out.add(
          Diagnostics.of(
              Message.INVALID_SHAPE,
              type,
              m,
              reader.value(m, name),
              name,
              show(v),
              "one value or two ({height, width}), each "
                  + (min == 0 ? "non-negative" : ">= " + min)));
      return null;
    }
    return v.length == 1 ? new int[] {v[0], v[0]} : v;
  }

  private static String show(int[] v) {
    StringBuilder b = new StringBuilder("{");
    for (int i = 0; i < v.length; i++) {
      b.append(i == 0 ? "" : ", ").append(v[i]);
    }
    return b.append('}').toString();
  }
}
