package dev.quantgen.processor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.tools.JavaFileObject;

/**
 * Seeded random annotated sources for {@link RandomAnnotationsTest}: dense, convolution and pooling
 * layers and models, with valid and invalid attribute values, plus an independent oracle of the
 * errors each must get. The oracle restates the documented rules (annotation javadoc and {@link
 * Message}), not the processor's code: where it cannot decide cheaply (accumulator bounds of wide
 * layers, window geometry of spatial layers) it only <em>allows</em> a tag.
 *
 * <p>Every annotation sits on its own source line (line 3 is the layer annotation, line {@code 4 +
 * k} the {@code k}-th {@code @Quantize}), so an expected error names its line.
 */
final class RandomLayerSources {
  static final String[] PRECISIONS = {"FP32", "FP16", "INT8", "INT4", "BINARY"};
  static final String[] MODES = {"DEFAULT", "STATIC", "DYNAMIC", "FLOAT", "BINARY"};
  private static final String[] ACTIVATIONS = {"NONE", "RELU", "RELU6"};
  private static final int[] GOOD_SIZES = {1, 2, 3, 5, 16, 17, 64, 255, 784};

  /** Zero, negative, and huge: wide enough to overflow an int8 accumulator or {@code in * out}. */
  private static final int[] BAD_SIZES = {0, -1, -7, 70_000, 1 << 20, Integer.MAX_VALUE};

  private static final int[] BLOCKS = {2, 6, 16, 32, 3, -4};

  /** A required error: its tag and the line it must be on (0: anywhere in the file). */
  record Expected(Message message, String file, int line) {}

  /** One {@code @Quantize}, resolved against the documented defaults. */
  record Variant(
      String precision,
      String scheme,
      boolean perChannel,
      String activations,
      int blockSize,
      String requantization) {}

  /**
   * One generated combination: its files, the errors it must and may get, and what to run if
   * accepted.
   */
  static final class Combo {
    final String name;
    final String kind;
    final Map<String, JavaFileObject> files = new LinkedHashMap<>();
    final List<Expected> required = new ArrayList<>();
    final List<Message> allowed = new ArrayList<>();

    /** Dense: in, out, bias, activation; conv/pool: their attributes, as written. */
    final Map<String, Object> shape = new LinkedHashMap<>();

    final List<Variant> variants = new ArrayList<>();

    Combo(String name, String kind) {
      this.name = name;
      this.kind = kind;
    }

    void add(String simpleName, String... lines) {
      files.put(simpleName, Compilations.source(simpleName, lines));
    }

    @Override
    public String toString() {
      return name + " " + kind + " " + shape + " " + variants;
    }
  }

  private final Random random;

  RandomLayerSources(long seed) {
    random = new Random(seed);
  }

  Combo next(int id) {
    int r = random.nextInt(100);
    return r < 55
        ? dense("D" + id)
        : r < 72 ? conv("C" + id) : r < 85 ? pool("P" + id) : model("M" + id);
  }

  private int size() {
    return random.nextInt(5) == 0 ? pick(BAD_SIZES) : pick(GOOD_SIZES);
  }

  Combo dense(String name) {
    Combo c = new Combo(name, "Dense");
    int in = size();
    int out = size();
    boolean bias = random.nextBoolean();
    String act = ACTIVATIONS[random.nextInt(3)];
    c.shape.put("in", in);
    c.shape.put("out", out);
    c.shape.put("bias", bias);
    c.shape.put("activation", act);
    List<String> lines = new ArrayList<>();
    lines.add(
        "@Dense(in = "
            + in
            + ", out = "
            + out
            + ", bias = "
            + bias
            + ", activation = Activation."
            + act
            + ")");
    if (in <= 0 || out <= 0) {
      c.required.add(new Expected(Message.INVALID_SHAPE, name, 3));
    }
    quantizeLines(c, Math.max(in, 0), lines);
    lines.add("public final class " + name + " {}");
    c.add(name, lines.toArray(new String[0]));
    return c;
  }

  /** 0 to 3 random {@code @Quantize}, each attribute written or left to its default. */
  private void quantizeLines(Combo c, int fanIn, List<String> lines) {
    int count = random.nextInt(4);
    List<String> seen = new ArrayList<>();
    for (int k = 0; k < count; k++) {
      String precision = random.nextInt(4) == 0 ? "INT8" : PRECISIONS[random.nextInt(5)];
      String scheme = random.nextInt(4) == 0 ? "ASYMMETRIC" : "SYMMETRIC";
      boolean perChannel = random.nextInt(3) != 0;
      boolean plain =
          random.nextBoolean(); // half the annotations keep the mode attributes at their defaults
      String mode = plain ? "DEFAULT" : MODES[random.nextInt(5)];
      int blockSize = !plain && random.nextInt(3) == 0 ? pick(BLOCKS) : 0;
      String rounding = random.nextInt(4) == 0 ? "STOCHASTIC" : "HALF_EVEN";
      String requant = !plain && random.nextInt(4) == 0 ? "FLOAT" : "INTEGER";
      StringBuilder q = new StringBuilder("@Quantize(precision = Precision." + precision);
      if (random.nextBoolean() || scheme.equals("ASYMMETRIC")) {
        q.append(", scheme = Scheme.").append(scheme);
      }
      if (random.nextBoolean() || !perChannel) {
        q.append(", perChannel = ").append(perChannel);
      }
      if (!mode.equals("DEFAULT") || random.nextBoolean()) {
        q.append(", activations = Activations.").append(mode);
      }
      if (blockSize != 0) {
        q.append(", blockSize = ").append(blockSize);
      }
      if (rounding.equals("STOCHASTIC")) {
        q.append(", rounding = Rounding.STOCHASTIC");
      }
      if (requant.equals("FLOAT")) {
        q.append(", requantization = Requantization.FLOAT");
      }
      lines.add(q.append(")").toString());
      int line = 4 + k;
      if (seen.contains(precision)) {
        c.required.add(new Expected(Message.DUPLICATE_VARIANT, c.name, line));
        continue;
      }
      seen.add(precision);
      boolean integer = precision.startsWith("INT");
      String resolved = !mode.equals("DEFAULT") ? mode : integer ? "STATIC" : "FLOAT";
      List<String> allowedModes =
          integer
              ? List.of("STATIC", "DYNAMIC", "FLOAT")
              : precision.equals("BINARY") ? List.of("FLOAT", "BINARY") : List.of("FLOAT");
      int before = c.required.size();
      if (scheme.equals("ASYMMETRIC") && !integer) {
        c.required.add(new Expected(Message.UNSUPPORTED_COMBINATION, c.name, line));
      }
      if (!allowedModes.contains(resolved)) {
        c.required.add(new Expected(Message.UNSUPPORTED_COMBINATION, c.name, line));
      } else if (requant.equals("FLOAT") && !resolved.equals("STATIC")) {
        c.required.add(new Expected(Message.UNSUPPORTED_COMBINATION, c.name, line));
      }
      if (blockSize != 0
          && (!precision.equals("INT4")
              || blockSize < 0
              || blockSize % 2 != 0
              || !perChannel
              || resolved.equals("STATIC"))) {
        c.required.add(new Expected(Message.INVALID_BLOCK_SIZE, c.name, line));
      }
      boolean integerAccumulator =
          integer && !resolved.equals("FLOAT") || resolved.equals("BINARY");
      if (c.required.size() == before && integerAccumulator && fanIn > 1000) {
        // 1000 * 255 * 255 < 2^31: only wider layers can fail the documented bound.
        c.allowed.add(Message.ACCUMULATOR_OVERFLOW);
      }
      if (c.required.size() == before) {
        c.variants.add(
            new Variant(
                precision,
                scheme,
                integer || precision.equals("BINARY") ? perChannel : false,
                resolved,
                blockSize,
                requant));
      }
    }
  }

  Combo conv(String name) {
    Combo c = new Combo(name, "Conv2d");
    StringBuilder a = new StringBuilder("@Conv2d(");
    boolean bad = false;
    int[] channels = {pick(new int[] {1, 2, 3, 4, 6}), pick(new int[] {1, 2, 3, 4, 6})};
    if (random.nextInt(8) == 0) {
      channels[random.nextInt(2)] = pick(new int[] {0, -2});
      bad = true;
    }
    int groups = random.nextInt(3) == 0 ? pick(new int[] {2, 3, 0, -1}) : 1;
    bad |= groups <= 0;
    int h =
        random.nextInt(10) == 0
            ? pick(new int[] {0, -1, 1 << 20, Integer.MAX_VALUE})
            : pick(new int[] {1, 3, 5, 8, 11});
    int w = random.nextInt(10) == 0 ? pick(new int[] {0, -3}) : pick(new int[] {1, 3, 5, 8, 11});
    bad |= h <= 0 || w <= 0;
    c.allowed.add(Message.INVALID_SHAPE); // huge heights may be refused as overflowing
    int[] kernel =
        random.nextInt(8) == 0
            ? pick(new int[][] {{0}, {}, {1, 2, 3}, {-3}, {3, 0}})
            : pick(new int[][] {{1}, {3}, {2, 3}, {3, 1}});
    bad |= !pair(kernel, 1);
    int[] stride =
        random.nextInt(10) == 0
            ? pick(new int[][] {{0}, {-1}})
            : pick(new int[][] {{1}, {2}, {1, 2}});
    bad |= !pair(stride, 1);
    boolean same = random.nextInt(4) == 0;
    int[] padding =
        random.nextInt(10) == 0
            ? new int[] {-1}
            : same ? new int[] {0} : pick(new int[][] {{0}, {1}, {1, 2}});
    bad |= !pair(padding, 0);
    int[] dilation = random.nextInt(10) == 0 ? new int[] {0} : pick(new int[][] {{1}, {1}, {2}});
    bad |= !pair(dilation, 1);
    boolean bias = random.nextBoolean();
    String act = ACTIVATIONS[random.nextInt(3)];
    a.append("inChannels = ")
        .append(channels[0])
        .append(", outChannels = ")
        .append(channels[1])
        .append(", inHeight = ")
        .append(h)
        .append(", inWidth = ")
        .append(w)
        .append(", kernel = ")
        .append(array(kernel))
        .append(", stride = ")
        .append(array(stride))
        .append(", padding = ")
        .append(array(padding))
        .append(", dilation = ")
        .append(array(dilation))
        .append(", groups = ")
        .append(groups)
        .append(", bias = ")
        .append(bias)
        .append(", activation = Activation.")
        .append(act)
        .append(same ? ", paddingMode = Padding.SAME" : "")
        .append(")");
    c.shape.put("c", channels[0]);
    c.shape.put("m", channels[1]);
    c.shape.put("h", h);
    c.shape.put("w", w);
    c.shape.put("kernel", kernel);
    c.shape.put("stride", stride);
    c.shape.put("padding", padding);
    c.shape.put("dilation", dilation);
    c.shape.put("groups", groups);
    c.shape.put("bias", bias);
    c.shape.put("activation", act);
    c.shape.put("same", same);
    spatialOracle(c, bad);
    List<String> lines = new ArrayList<>(List.of(a.toString()));
    quantizeLines(c, 0, lines);
    c.allowed.add(Message.ACCUMULATOR_OVERFLOW);
    lines.add("public final class " + name + " {}");
    c.add(name, lines.toArray(new String[0]));
    return c;
  }

  Combo pool(String name) {
    boolean max = random.nextBoolean();
    Combo c = new Combo(name, max ? "MaxPool2d" : "AvgPool2d");
    int channels = random.nextInt(10) == 0 ? 0 : pick(new int[] {1, 2, 3});
    int h = random.nextInt(10) == 0 ? -2 : pick(new int[] {1, 4, 5, 7, 12});
    int w = random.nextInt(10) == 0 ? 0 : pick(new int[] {1, 4, 5, 7, 12});
    int[] kernel =
        random.nextInt(8) == 0
            ? pick(new int[][] {{0}, {}, {2, 2, 2}})
            : pick(new int[][] {{1}, {2}, {3}, {3, 2}});
    int[] stride =
        random.nextInt(10) == 0 ? new int[] {-1} : pick(new int[][] {{0}, {1}, {2}, {1, 2}});
    boolean same = random.nextInt(4) == 0;
    int[] padding =
        random.nextInt(10) == 0
            ? new int[] {-1}
            : same ? new int[] {0} : pick(new int[][] {{0}, {0}, {1}, {1, 0}});
    boolean bad =
        channels <= 0
            || h <= 0
            || w <= 0
            || !pair(kernel, 1)
            || !pair(stride, 0)
            || !pair(padding, 0);
    c.shape.put("channels", channels);
    c.shape.put("h", h);
    c.shape.put("w", w);
    c.shape.put("kernel", kernel);
    c.shape.put("stride", stride);
    c.shape.put("padding", padding);
    c.shape.put("same", same);
    spatialOracle(c, bad);
    List<String> lines =
        new ArrayList<>(
            List.of(
                "@"
                    + c.kind
                    + "(channels = "
                    + channels
                    + ", inHeight = "
                    + h
                    + ", inWidth = "
                    + w
                    + ", kernel = "
                    + array(kernel)
                    + ", stride = "
                    + array(stride)
                    + ", padding = "
                    + array(padding)
                    + (same ? ", paddingMode = Padding.SAME" : "")
                    + ")"));
    quantizeLines(c, 0, lines);
    c.variants.clear(); // pooling moves values: no precision variants run
    lines.add("public final class " + name + " {}");
    c.add(name, lines.toArray(new String[0]));
    return c;
  }

  /** Clearly bad attributes must be rejected; window geometry (too large a window...) may be. */
  private static void spatialOracle(Combo c, boolean clearlyBad) {
    if (clearlyBad) {
      c.required.add(new Expected(Message.INVALID_SHAPE, c.name, 3));
    }
    c.allowed.add(Message.INVALID_SHAPE);
  }

  Combo model(String name) {
    Combo c = new Combo(name, "Model");
    int layers = random.nextInt(6) == 0 ? 0 : 1 + random.nextInt(3);
    if (layers == 0) {
      c.required.add(new Expected(Message.EMPTY_MODEL, name, 3));
    }
    int width = pick(GOOD_SIZES);
    List<String> names = new ArrayList<>();
    List<int[]> shapes = new ArrayList<>();
    for (int k = 0; k < layers; k++) {
      String layer = name + "L" + k;
      names.add(layer);
      int in = width;
      if (k > 0 && random.nextInt(5) == 0) {
        in = width + 1; // a mismatch with the previous layer's out
        c.required.add(new Expected(Message.SHAPE_MISMATCH, name, 3));
      }
      if (random.nextInt(12) == 0) {
        c.add(layer, "public final class " + layer + " {}"); // not a layer at all
        c.required.add(new Expected(Message.MODEL_NOT_A_LAYER, name, 3));
        c.allowed.add(Message.SHAPE_MISMATCH);
        width = pick(new int[] {2, 3, 5});
        shapes.add(null);
        continue;
      }
      int out = random.nextInt(10) == 0 ? 0 : pick(new int[] {1, 2, 3, 5, 16, 17});
      if (out == 0) {
        c.required.add(new Expected(Message.INVALID_SHAPE, layer, 3));
        c.required.add(new Expected(Message.MODEL_INVALID_LAYER, name, 3));
        c.allowed.add(Message.SHAPE_MISMATCH);
      }
      String quantize =
          pick(
              new String[] {
                "",
                "@Quantize(precision = Precision.INT8)",
                "@Quantize(precision = Precision.INT4, activations = Activations.FLOAT)"
              });
      c.add(
          layer,
          "@Dense(in = " + in + ", out = " + out + ", activation = Activation.RELU)",
          quantize,
          "public final class " + layer + " {}");
      shapes.add(new int[] {in, out});
      width = out == 0 ? 3 : out; // the next layer stays valid itself
    }
    if (c.required.stream().anyMatch(e -> e.message() != Message.SHAPE_MISMATCH)) {
      // A model with a broken entry may stop before comparing shapes: a mismatch is then optional.
      c.required.removeIf(e -> e.message() == Message.SHAPE_MISMATCH);
    }
    c.shape.put("layers", shapes);
    c.add(
        name,
        "@Model(layers = {"
            + String.join(", ", names.stream().map(n -> n + ".class").toList())
            + "})",
        "public interface " + name + " {}");
    return c;
  }

  /** One or two values, each at least {@code min}. */
  private static boolean pair(int[] values, int min) {
    if (values.length < 1 || values.length > 2) {
      return false;
    }
    for (int v : values) {
      if (v < min) {
        return false;
      }
    }
    return true;
  }

  private static String array(int[] values) {
    StringBuilder b = new StringBuilder("{");
    for (int i = 0; i < values.length; i++) {
      b.append(i == 0 ? "" : ", ").append(values[i]);
    }
    return b.append("}").toString();
  }

  private int pick(int[] values) {
    return values[random.nextInt(values.length)];
  }

  private <T> T pick(T[] values) {
    return values[random.nextInt(values.length)];
  }
}
