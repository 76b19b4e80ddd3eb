package dev.quantgen.processor.validation;

import dev.quantgen.annotations.Padding;
import dev.quantgen.processor.Diagnostics;
import dev.quantgen.processor.Message;
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
    if (kind.equals(AnnotationNames.FLATTEN)) {
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
    if (same && (padding[0] != 0 || padding[1] != 0)) {
      out.add(Diagnostics.of(Message.INVALID_SHAPE, type, m, reader.value(m, "padding"), "padding",
          show(padding), "0 with paddingMode = SAME (the padding is computed); remove padding or use EXPLICIT"));
    }
    if (conv) {
      int channelsOut = positive(type, m, "outChannels", out);
      int groups = positive(type, m, "groups", out);
      if (groups > 0 && (channelsIn % groups != 0 || channelsOut % groups != 0)) {
        out.add(Diagnostics.of(Message.INVALID_SHAPE, type, m, reader.value(m, "groups"), "groups", groups,
            "a divisor of inChannels = " + channelsIn + " and outChannels = " + channelsOut));
      }
    } else if (kernel != null && padding != null && (padding[0] >= kernel[0] || padding[1] >= kernel[1])) {
      out.add(Diagnostics.of(Message.INVALID_SHAPE, type, m, reader.value(m, "padding"), "padding", show(padding),
          "values below the kernel size " + show(kernel) + " (a window must see at least one real cell)"));
    }
    if (kernel == null || stride == null || padding == null || dilation == null || height <= 0 || width <= 0
        || same) {
      return;
    }
    int[] size = {height, width};
    for (int axis = 0; axis < 2; axis++) {
      int s = stride[axis] == 0 ? kernel[axis] : stride[axis];
      int extent = size[axis] + 2 * padding[axis] - dilation[axis] * (kernel[axis] - 1) - 1;
      if (extent < 0 || extent / s + 1 <= 0) {
        out.add(Diagnostics.of(Message.INVALID_SHAPE, type, m, reader.value(m, "kernel"), "kernel", show(kernel),
            "a (dilated) window that fits the padded " + (axis == 0 ? "height " : "width ") + size[axis]
                + ": the output would be empty"));
        return;
      }
    }
  }

  private int positive(TypeElement type, AnnotationMirror m, String name, List<Diagnostics> out) {
    int v = reader.intValue(m, name);
    if (v <= 0) {
      out.add(Diagnostics.of(Message.INVALID_SHAPE, type, m, reader.value(m, name), name, v, "a positive size"));
    }
    return v;
  }

  /** A {@code {v}} or {@code {h, w}} attribute as {@code {h, w}}; null (reported) when invalid. */
  private int[] pair(TypeElement type, AnnotationMirror m, String name, int min, List<Diagnostics> out) {
    int[] v = reader.intArray(m, name);
    boolean ok = v.length == 1 || v.length == 2;
    for (int x : v) {
      ok &= x >= min;
    }
    if (!ok) {
      out.add(Diagnostics.of(Message.INVALID_SHAPE, type, m, reader.value(m, name), name, show(v),
          "one value or two ({height, width}), each " + (min == 0 ? "non-negative" : ">= " + min)));
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
