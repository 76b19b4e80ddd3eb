package dev.quantgen.processor.validation;

import dev.quantgen.annotations.Activation;
import dev.quantgen.annotations.Padding;
import dev.quantgen.processor.Diagnostics;
import dev.quantgen.processor.Message;
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
  private final AnnotationReader reader;

  SpatialLayerValidator(AnnotationReader reader) {
    this.reader = reader;
  }

  void validate(TypeElement type, AnnotationMirror m, String kind, List<Diagnostics> out) {
    if (kind.equals(AnnotationNames.SOFTMAX)) {
      positive(type, m, "size", out);
      return;
    }
    if (kind.equals(AnnotationNames.CONCAT)) {
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
      return;
    }
    if (kind.equals(AnnotationNames.FLATTEN)
        || kind.equals(AnnotationNames.GLOBAL_AVG_POOL2D)
        || kind.equals(AnnotationNames.ADD)) {
      positive(type, m, "channels", out);
      positive(type, m, "height", out);
      positive(type, m, "width", out);
      return;
    }
    boolean conv = kind.equals(AnnotationNames.CONV2D);
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
    int[] size = {height, width};
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
    String name = type.getQualifiedName().toString();
    SpatialSpec.Window none = new SpatialSpec.Window(1, 1, 1, 1, 1, 1, 0, 0, 0, 0);
    if (kind.equals(AnnotationNames.SOFTMAX)) {
      int n = reader.intValue(m, "size");
      return new SpatialSpec(
          SpatialSpec.Kind.SOFTMAX,
          packageName,
          baseName,
          name,
          isPublic,
          n,
          1,
          1,
          n,
          1,
          1,
          none,
          1,
          false,
          Activation.NONE,
          List.of(),
          "",
          0);
    }
    if (kind.equals(AnnotationNames.CONCAT)) {
      int[] c = reader.intArray(m, "channels");
      int h = reader.intValue(m, "height");
      int w = reader.intValue(m, "width");
      return new SpatialSpec(
          SpatialSpec.Kind.CONCAT,
          packageName,
          baseName,
          name,
          isPublic,
          c[0],
          h,
          w,
          c[0] + c[1],
          h,
          w,
          none,
          1,
          false,
          Activation.NONE,
          List.of(),
          from(m),
          c[1]);
    }
    if (kind.equals(AnnotationNames.FLATTEN)
        || kind.equals(AnnotationNames.GLOBAL_AVG_POOL2D)
        || kind.equals(AnnotationNames.ADD)) {
      int c = reader.intValue(m, "channels");
      int h = reader.intValue(m, "height");
      int w = reader.intValue(m, "width");
      if (kind.equals(AnnotationNames.ADD)) {
        return new SpatialSpec(
            SpatialSpec.Kind.ADD,
            packageName,
            baseName,
            name,
            isPublic,
            c,
            h,
            w,
            c,
            h,
            w,
            none,
            1,
            false,
            Activation.NONE,
            List.of(),
            from(m),
            c);
      }
      boolean flatten = kind.equals(AnnotationNames.FLATTEN);
      return new SpatialSpec(
          flatten ? SpatialSpec.Kind.FLATTEN : SpatialSpec.Kind.GLOBAL_AVG_POOL,
          packageName,
          baseName,
          name,
          isPublic,
          c,
          h,
          w,
          flatten ? c * h * w : c,
          1,
          1,
          none,
          1,
          false,
          Activation.NONE,
          List.of(),
          "",
          0);
    }
    boolean conv = kind.equals(AnnotationNames.CONV2D);
    int channels = reader.intValue(m, conv ? "inChannels" : "channels");
    int[] size = {reader.intValue(m, "inHeight"), reader.intValue(m, "inWidth")};
    int[] kernel = twice(reader.intArray(m, "kernel"));
    int[] stride = twice(reader.intArray(m, "stride"));
    int[] padding = twice(reader.intArray(m, "padding"));
    int[] dilation = conv ? twice(reader.intArray(m, "dilation")) : new int[] {1, 1};
    boolean same = reader.enumValue(m, "paddingMode", Padding.class) == Padding.SAME;
    int[] begin = new int[2];
    int[] end = new int[2];
    int[] outSize = new int[2];
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
    SpatialSpec.Window window =
        new SpatialSpec.Window(
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
    SpatialSpec.Kind k =
        conv
            ? SpatialSpec.Kind.CONV
            : kind.equals(AnnotationNames.MAX_POOL2D)
                ? SpatialSpec.Kind.MAX_POOL
                : SpatialSpec.Kind.AVG_POOL;
    int outChannels = conv ? reader.intValue(m, "outChannels") : channels;
    int groups = conv ? reader.intValue(m, "groups") : 1;
    boolean bias = conv && reader.booleanValue(m, "bias");
    Activation activation =
        conv ? reader.enumValue(m, "activation", Activation.class) : Activation.NONE;
    return new SpatialSpec(
        k,
        packageName,
        baseName,
        name,
        isPublic,
        channels,
        size[0],
        size[1],
        outChannels,
        outSize[0],
        outSize[1],
        window,
        groups,
        bias,
        activation,
        conv ? variants : List.of(),
        "",
        0);
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
