package dev.quantgen.runtime.model;

import dev.quantgen.runtime.io.ModelFile;
import dev.quantgen.runtime.io.ModelFileException;
import dev.quantgen.runtime.io.ModelTensor;
import dev.quantgen.runtime.io.TensorType;
import dev.quantgen.runtime.layer.ActivationMode;
import dev.quantgen.runtime.layer.ActivationParams;
import dev.quantgen.runtime.layer.BinaryDenseParams;
import dev.quantgen.runtime.layer.DenseWeights;
import dev.quantgen.runtime.layer.Fp16DenseParams;
import dev.quantgen.runtime.layer.GeneratedKernels;
import dev.quantgen.runtime.layer.QuantizedDenseConfig;
import dev.quantgen.runtime.layer.QuantizedDenseParams;
import dev.quantgen.runtime.layer.StaticRequantization;
import dev.quantgen.runtime.numerics.Activation;
import dev.quantgen.runtime.numerics.QuantType;
import dev.quantgen.runtime.numerics.RequantMode;
import dev.quantgen.runtime.numerics.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Saves a {@link QuantizedModel} to one {@link ModelFile} ({@code .qgen}) and loads it back
 * bit-exactly. The container (io) provides the versioned header, checksums, size checks before
 * allocation and the atomic write; this class maps layers onto it:
 *
 * <ul>
 *   <li>metadata {@code quantgen.model = dense-chain}, {@code quantgen.model.version = 1}, {@code
 *       layers = N}, and per layer {@code layer.K.*}: name, precision, in, out, activation, and the
 *       precision's configuration (scheme, granularity, mode, requantization, boundary parameters
 *       with floats written by {@link Float#toString}, which reads back exactly);
 *   <li>tensors named {@code <layer>.<part>}: {@code weight} (FLOAT32, FLOAT16, INT8, INT4_PACKED
 *       of shape {@code [out, 2 * ceil(in / 2)]} since rows are byte-aligned, or BINARY_PACKED),
 *       {@code bias}, {@code scales}, {@code zero_points} (INT8), {@code alphas}, and for STATIC
 *       layers {@code requant.bias}, {@code requant.multipliers}, {@code requant.shifts} (INT32)
 *       and {@code requant.real_multipliers} (FLOAT32).
 * </ul>
 *
 * Every problem on load is a {@link ModelFileException} naming the file and what is wrong. Beyond
 * the container's checks (sizes, checksums), the values inference reads are checked at load, each
 * error naming the layer and the field, so that a file cannot load and then compute garbage:
 *
 * <ul>
 *   <li>{@code layers} covers the file: every tensor belongs to a layer and no metadata describes a
 *       layer past the count; {@code in x out} fits a Java array;
 *   <li>float weights (FP32 and FP16: no NaN or infinite binary16) and biases are finite; weight
 *       scales and activation scales finite and {@code > 0}; binary alphas finite and {@code >= 0}
 *       (0 is the mean |w| of an all-zero channel);
 *   <li>weight zero points within the weight type (0 when symmetric), activation zero points and
 *       the output clamp within int8 with {@code outputMin <= outputMax};
 *   <li>requantization multipliers as {@code FixedPoint.quantizeMultiplier} writes them (in {@code
 *       [2^30, 2^31)}, or 0 with shift 0 for a multiplier below 2^-32), real multipliers finite and
 *       {@code >= 0}, shifts in {@code -31..30}.
 * </ul>
 */
public final class QuantizedModelFiles {
  /** The {@code quantgen.model} metadata value of a dense chain. */
  public static final String KIND = "dense-chain";

  /**
   * The layout version this class writes when a layer clips to constant bounds ({@code
   * layer.K.activation = CLIP} with {@code layer.K.clipMin} and {@code layer.K.clipMax}); it reads
   * it and every earlier version. A model without such a layer is written as version {@link
   * #VERSION_WITHOUT_CLIP}, so readers from before clip bounds still load it, and refuse a clipping
   * model by its version rather than misreading it.
   */
  public static final int VERSION = 2;

  /** The layout version of a model without a clipping layer: the first layout. */
  public static final int VERSION_WITHOUT_CLIP = 1;

  /** Metadata of one layer: {@code layer.<index>.<field>}. */
  private static final Pattern LAYER_KEY = Pattern.compile("layer\\.([0-9]+)\\..*");

  private QuantizedModelFiles() {}

  /** Writes {@code model} to {@code file} atomically (the old file stays intact on failure). */
  public static void save(QuantizedModel model, Path file) throws IOException {
    toModelFile(model).write(file);
  }

  /**
   * Reads a model written by {@link #save}.
   *
   * @throws ModelFileException naming the file and the problem: truncated, corrupt, wrong container
   *     or layout version, missing or inconsistent metadata or tensors
   */
  public static QuantizedModel load(Path file) throws IOException {
    return load(file, null);
  }

  /**
   * Reads a model written by {@link #save} and runs every layer on its generated kernel in {@code
   * kernels} (see {@link QuantizedModel#of(List, GeneratedKernels)}); null means the runtime's
   * kernels throughout.
   *
   * @throws ModelFileException as {@link #load(Path)} does, and when the file holds another number
   *     of layers than the model {@code kernels} were generated for
   * @throws KernelMismatchException if none of a layer's generated kernels matches the layer the
   *     file holds; see {@link #load(Path, GeneratedKernels, KernelPolicy)} to allow the runtime's
   *     kernels for such layers
   */
  public static QuantizedModel load(Path file, GeneratedKernels kernels) throws IOException {
    return load(file, kernels, KernelPolicy.GENERATED_ONLY);
  }

  /**
   * As {@link #load(Path, GeneratedKernels)}, with {@code policy} deciding what a layer without a
   * matching generated kernel does (fail, or run on the runtime's kernel).
   *
   * @throws KernelMismatchException under {@link KernelPolicy#GENERATED_ONLY}, if none of a layer's
   *     generated kernels matches it
   */
  public static QuantizedModel load(Path file, GeneratedKernels kernels, KernelPolicy policy)
      throws IOException {
    return fromModelFile(ModelFile.read(file), file, kernels, policy);
  }

  /** {@link #VERSION} when a layer clips to constant bounds, else {@link #VERSION_WITHOUT_CLIP}. */
  private static int version(QuantizedModel model) {
    for (int k = 0; k < model.size(); k++) {
      if (activationOf(model.layer(k)).kind() == Activation.Kind.CLIP) {
        return VERSION;
      }
    }
    return VERSION_WITHOUT_CLIP;
  }

  private static Activation activationOf(PreparedLayer layer) {
    if (layer instanceof PreparedLayer.Fp32 f) {
      return f.activation();
    } else if (layer instanceof PreparedLayer.Fp16 h) {
      return h.params().activation();
    } else if (layer instanceof PreparedLayer.Binary bin) {
      return bin.params().activation();
    }
    return ((PreparedLayer.Quantized) layer).params().config().activation();
  }

  /** {@code layer.K.activation}, and for CLIP its bounds as {@link Float#toString} writes them. */
  private static void activation(ModelFile.Builder b, String m, Activation activation) {
    b.metadata(m + "activation", activation.name());
    if (activation.kind() == Activation.Kind.CLIP) {
      b.metadata(m + "clipMin", Float.toString(activation.lower()))
          .metadata(m + "clipMax", Float.toString(activation.upper()));
    }
  }

  /** The container holding {@code model}. */
  static ModelFile toModelFile(QuantizedModel model) {
    ModelFile.Builder b =
        ModelFile.builder()
            .metadata("quantgen.model", KIND)
            .metadata("quantgen.model.version", Integer.toString(version(model)))
            .metadata("layers", Integer.toString(model.size()));
    for (int k = 0; k < model.size(); k++) {
      PreparedLayer layer = model.layer(k);
      String m = "layer." + k + ".";
      String t = layer.name() + ".";
      b.metadata(m + "name", layer.name())
          .metadata(m + "precision", layer.precision().name())
          .metadata(m + "in", Integer.toString(layer.in()))
          .metadata(m + "out", Integer.toString(layer.out()));
      Shape matrix = Shape.of(layer.out(), layer.in());
      if (layer instanceof PreparedLayer.Fp32 f) {
        activation(b, m, f.activation());
        b.tensor(ModelTensor.float32(t + "weight", matrix, f.weights().weights()));
        bias(b, t, f.weights().bias());
      } else if (layer instanceof PreparedLayer.Fp16 h) {
        activation(b, m, h.params().activation());
        b.tensor(ModelTensor.float16Bits(t + "weight", matrix, h.params().weights()));
        bias(b, t, h.params().bias());
      } else if (layer instanceof PreparedLayer.Binary bin) {
        BinaryDenseParams p = bin.params();
        activation(b, m, p.activation());
        b.metadata(m + "mode", p.mode().name());
        b.tensor(ModelTensor.binaryPacked(t + "weight", matrix, p.weights()));
        b.tensor(ModelTensor.float32(t + "alphas", Shape.of(p.alphas().length), p.alphas()));
        bias(b, t, p.bias());
      } else {
        QuantizedDenseParams p = ((PreparedLayer.Quantized) layer).params();
        QuantizedDenseConfig c = p.config();
        activation(b, m, c.activation());
        b.metadata(m + "symmetric", Boolean.toString(c.symmetric()))
            .metadata(m + "perChannel", Boolean.toString(c.perChannel()))
            .metadata(m + "blockSize", Integer.toString(c.blockSize()))
            .metadata(m + "mode", c.mode().name())
            .metadata(m + "requantization", c.requantization().name());
        if (c.weightType() == QuantType.INT8) {
          b.tensor(ModelTensor.int8(t + "weight", matrix, p.weights()));
        } else {
          b.tensor(
              ModelTensor.int4Packed(
                  t + "weight", Shape.of(p.out(), 2 * c.rowBytes(p.in())), p.weights()));
        }
        int n = p.scales().length;
        b.tensor(ModelTensor.float32(t + "scales", Shape.of(n), p.scales()));
        byte[] zp = new byte[n];
        int[] z = p.zeroPoints();
        for (int i = 0; i < n; i++) {
          zp[i] = (byte) z[i]; // int8 and int4 zero points both fit a byte
        }
        b.tensor(ModelTensor.int8(t + "zero_points", Shape.of(n), zp));
        bias(b, t, p.bias());
        StaticRequantization r = p.requantization();
        if (r != null) {
          b.metadata(m + "input.scale", Float.toString(r.input().scale()))
              .metadata(m + "input.zeroPoint", Integer.toString(r.input().zeroPoint()))
              .metadata(m + "output.scale", Float.toString(r.output().scale()))
              .metadata(m + "output.zeroPoint", Integer.toString(r.output().zeroPoint()))
              .metadata(m + "outputMin", Integer.toString(r.outputMin()))
              .metadata(m + "outputMax", Integer.toString(r.outputMax()));
          b.tensor(ModelTensor.int32(t + "requant.bias", Shape.of(p.out()), r.bias()));
          b.tensor(ModelTensor.int32(t + "requant.multipliers", Shape.of(n), r.multipliers()));
          b.tensor(ModelTensor.int32(t + "requant.shifts", Shape.of(n), r.shifts()));
          b.tensor(
              ModelTensor.float32(
                  t + "requant.real_multipliers", Shape.of(n), r.realMultipliers()));
        }
      }
    }
    return b.build();
  }

  private static void bias(ModelFile.Builder b, String prefix, float[] bias) {
    if (bias != null) {
      b.tensor(ModelTensor.float32(prefix + "bias", Shape.of(bias.length), bias));
    }
  }

  /** The model a container holds on the runtime's kernels; {@code file} names it in errors. */
  static QuantizedModel fromModelFile(ModelFile mf, Path file) throws ModelFileException {
    return fromModelFile(mf, file, null, KernelPolicy.GENERATED_ONLY);
  }

  /**
   * The model a container holds, on {@code kernels} (null: runtime kernels) under {@code policy}; a
   * layer no generated kernel matches is a {@link KernelMismatchException}, not a file error.
   */
  static QuantizedModel fromModelFile(
      ModelFile mf, Path file, GeneratedKernels kernels, KernelPolicy policy)
      throws ModelFileException {
    Reader r = new Reader(mf, file);
    String kind = r.text("quantgen.model");
    if (!kind.equals(KIND)) {
      throw r.error("holds a '" + kind + "' model, expected '" + KIND + "'");
    }
    int version = r.integer("quantgen.model.version");
    if (version < VERSION_WITHOUT_CLIP || version > VERSION) {
      throw r.error(
          "model layout version "
              + version
              + " is not supported, expected "
              + VERSION_WITHOUT_CLIP
              + ".."
              + VERSION);
    }
    int count = r.integer("layers");
    if (count < 1 || count > r.tensorCount()) {
      throw r.error(
          "metadata 'layers' is "
              + count
              + ", expected 1.."
              + r.tensorCount()
              + " (one or more "
              + "tensors per layer)");
    }
    if (kernels != null && kernels.layers() != count) {
      throw r.error(
          "holds "
              + count
              + " layers, expected "
              + kernels.layers()
              + " (the layers of "
              + kernels.modelName()
              + ", whose generated kernels were asked for)");
    }
    List<PreparedLayer> layers = new ArrayList<>();
    for (int k = 0; k < count; k++) {
      layers.add(r.layer(k));
    }
    r.requireNothingBeyond(count);
    try {
      return QuantizedModel.of(layers, kernels, policy);
    } catch (KernelMismatchException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw r.error(e.getMessage());
    }
  }

  /** Reads metadata and tensors, turning every inconsistency into a {@link ModelFileException}. */
  private static final class Reader {
    private final ModelFile mf;
    private final Path file;
    private final Map<String, String> metadata;

    /** The stored tensor names, looked up once per tensor (ModelFile.tensorNames() copies). */
    private final Set<String> names;

    /**
     * The tensors the layers read so far: a tensor no layer reads means the layer count is wrong.
     */
    private final Set<String> used = new HashSet<>();

    Reader(ModelFile mf, Path file) {
      this.mf = mf;
      this.file = file;
      this.metadata = mf.metadata();
      this.names = new LinkedHashSet<>(mf.tensorNames());
    }

    int tensorCount() {
      return names.size();
    }

    ModelFileException error(String problem) {
      return new ModelFileException(file + ": " + problem);
    }

    /** An error in layer {@code k}'s {@code field} (a metadata key or a tensor element). */
    ModelFileException error(int k, String layer, String field, String problem) {
      return error("layer " + k + " '" + layer + "', " + field + ": " + problem);
    }

    /**
     * The layer count covers the file: no tensor is left unread and no metadata describes a layer
     * past the count, so a header claiming fewer layers than stored cannot silently drop the rest.
     */
    void requireNothingBeyond(int count) throws ModelFileException {
      for (String name : names) {
        if (!used.contains(name)) {
          throw error(
              "tensor '"
                  + name
                  + "' belongs to none of the "
                  + count
                  + " layers of metadata 'layers', "
                  + "expected every stored tensor to belong to a layer (is the layer count too small?)");
        }
      }
      for (String key : metadata.keySet()) {
        java.util.regex.Matcher layer = LAYER_KEY.matcher(key);
        if (layer.matches()
            && (layer.group(1).length() > 9 || Integer.parseInt(layer.group(1)) >= count)) {
          throw error(
              "metadata '"
                  + key
                  + "' describes a layer past the "
                  + count
                  + " of metadata 'layers', "
                  + "expected layer indexes 0.."
                  + (count - 1));
        }
      }
    }

    String text(String key) throws ModelFileException {
      String v = metadata.get(key);
      if (v == null) {
        throw error("missing metadata '" + key + "'");
      }
      return v;
    }

    int integer(String key) throws ModelFileException {
      String v = text(key);
      try {
        return Integer.parseInt(v);
      } catch (NumberFormatException e) {
        throw error("metadata '" + key + "' is '" + v + "', expected an integer");
      }
    }

    float real(String key) throws ModelFileException {
      String v = text(key);
      try {
        return Float.parseFloat(v);
      } catch (NumberFormatException e) {
        throw error("metadata '" + key + "' is '" + v + "', expected a float");
      }
    }

    boolean bool(String key) throws ModelFileException {
      String v = text(key);
      if (!v.equals("true") && !v.equals("false")) {
        throw error("metadata '" + key + "' is '" + v + "', expected true or false");
      }
      return v.equals("true");
    }

    <E extends Enum<E>> E choice(String key, Class<E> type) throws ModelFileException {
      String v = text(key);
      try {
        return Enum.valueOf(type, v);
      } catch (IllegalArgumentException e) {
        throw error(
            "metadata '"
                + key
                + "' is '"
                + v
                + "', expected one of "
                + java.util.Arrays.toString(type.getEnumConstants()));
      }
    }

    ModelTensor tensor(String name, TensorType type, Shape shape) throws ModelFileException {
      if (!names.contains(name)) {
        throw error("missing tensor '" + name + "'");
      }
      used.add(name);
      ModelTensor t = mf.tensor(name);
      if (t.type() != type || !t.shape().equals(shape)) {
        throw error(
            "tensor '" + name + "' is " + t.type() + t.shape() + ", expected " + type + shape);
      }
      return t;
    }

    /** The float bias, if stored: finite values, since inference adds them. */
    float[] optionalBias(int k, String layer, int out) throws ModelFileException {
      String name = layer + ".bias";
      if (!names.contains(name)) {
        return null;
      }
      float[] bias = tensor(name, TensorType.FLOAT32, Shape.of(out)).floats();
      requireFloats(k, layer, name, bias, true, false);
      return bias;
    }

    /**
     * Every value finite, and positive ({@code zero} false) or non-negative ({@code zero} true)
     * when {@code signed} is false.
     */
    void requireFloats(
        int k, String layer, String tensor, float[] values, boolean signed, boolean zero)
        throws ModelFileException {
      for (int i = 0; i < values.length; i++) {
        float v = values[i];
        boolean ok = Float.isFinite(v) && (signed || v > 0 || (zero && v == 0));
        if (!ok) {
          throw error(
              k,
              layer,
              "tensor '" + tensor + "'[" + i + "]",
              "is " + v + ", expected a finite value" + (signed ? "" : zero ? " >= 0" : " > 0"));
        }
      }
    }

    /** A metadata float that must be finite and positive (a scale). */
    float positiveReal(int k, String layer, String key) throws ModelFileException {
      float v = real(key);
      if (!(v > 0) || Float.isInfinite(v)) {
        throw error(
            k, layer, "metadata '" + key + "'", "is " + v + ", expected a finite value > 0");
      }
      return v;
    }

    /** A metadata integer in {@code [min, max]}. */
    int integerIn(int k, String layer, String key, int min, int max) throws ModelFileException {
      int v = integer(key);
      if (v < min || v > max) {
        throw error(
            k, layer, "metadata '" + key + "'", "is " + v + ", expected " + min + ".." + max);
      }
      return v;
    }

    /** {@code layer.K.activation}, with {@code clipMin} and {@code clipMax} for CLIP. */
    Activation activation(int k, String layer, String m) throws ModelFileException {
      Activation.Kind kind = choice(m + "activation", Activation.Kind.class);
      if (kind != Activation.Kind.CLIP) {
        return Activation.of(kind);
      }
      float min = real(m + "clipMin");
      float max = real(m + "clipMax");
      try {
        return Activation.clip(min, max);
      } catch (IllegalArgumentException e) {
        throw error(k, layer, "metadata '" + m + "clipMin' and '" + m + "clipMax'", e.getMessage());
      }
    }

    PreparedLayer layer(int k) throws ModelFileException {
      String m = "layer." + k + ".";
      String name = text(m + "name");
      Precision precision = choice(m + "precision", Precision.class);
      int in = integer(m + "in");
      int out = integer(m + "out");
      if (in < 1 || out < 1) {
        throw error(
            "layer " + name + ": in = " + in + ", out = " + out + ", expected positive sizes");
      }
      if ((long) in * out > Integer.MAX_VALUE - 8) {
        throw error(
            k,
            name,
            "metadata '" + m + "in' and '" + m + "out'",
            in
                + " x "
                + out
                + " = "
                + (long) in * out
                + " weights, expected at most 2^31 - 9 (an array-sized layer)");
      }
      Activation activation = activation(k, name, m);
      String t = name + ".";
      Shape matrix = Shape.of(out, in);
      try {
        switch (precision) {
          case FP32:
            return new PreparedLayer.Fp32(
                name,
                DenseWeights.of(
                    in,
                    out,
                    tensor(t + "weight", TensorType.FLOAT32, matrix).floats(),
                    optionalBias(k, name, out)),
                activation);
          case FP16:
            {
              short[] halves = tensor(t + "weight", TensorType.FLOAT16, matrix).float16Bits();
              for (int i = 0; i < halves.length; i++) {
                if ((halves[i] & 0x7c00)
                    == 0x7c00) { // exponent all ones: Inf (zero mantissa) or NaN
                  throw error(
                      k,
                      name,
                      "tensor '" + t + "weight'[" + i + "]",
                      "is "
                          + ((halves[i] & 0x03ff) == 0 ? (halves[i] < 0 ? "-Inf" : "Inf") : "NaN")
                          + " (binary16 0x"
                          + Integer.toHexString(halves[i] & 0xffff)
                          + "), expected a finite weight");
                }
              }
              return new PreparedLayer.Fp16(
                  name,
                  new Fp16DenseParams(in, out, halves, optionalBias(k, name, out), activation));
            }
          case BINARY:
            {
              ActivationMode mode = choice(m + "mode", ActivationMode.class);
              long[] words = tensor(t + "weight", TensorType.BINARY_PACKED, matrix).longs();
              ModelTensor alphas = names.contains(t + "alphas") ? mf.tensor(t + "alphas") : null;
              if (alphas == null
                  || alphas.type() != TensorType.FLOAT32
                  || alphas.shape().rank() != 1) {
                throw error("tensor '" + t + "alphas': expected FLOAT32 of rank 1, got " + alphas);
              }
              used.add(t + "alphas");
              float[] a = alphas.floats();
              // alpha = mean |w| of a channel: 0 for an all-zero channel, never negative.
              requireFloats(k, name, t + "alphas", a, false, true);
              return new PreparedLayer.Binary(
                  name,
                  new BinaryDenseParams(
                      in, out, words, a, optionalBias(k, name, out), mode, activation));
            }
          default:
            return quantized(k, name, precision, in, out, activation);
        }
      } catch (IllegalArgumentException e) {
        throw error("layer " + name + ": " + e.getMessage());
      }
    }

    private PreparedLayer quantized(
        int k, String name, Precision precision, int in, int out, Activation activation)
        throws ModelFileException {
      String m = "layer." + k + ".";
      String t = name + ".";
      QuantizedDenseConfig config =
          new QuantizedDenseConfig(
              precision == Precision.INT8 ? QuantType.INT8 : QuantType.INT4,
              bool(m + "symmetric"),
              bool(m + "perChannel"),
              integer(m + "blockSize"),
              choice(m + "mode", ActivationMode.class),
              choice(m + "requantization", RequantMode.class),
              activation);
      byte[] weights =
          precision == Precision.INT8
              ? tensor(t + "weight", TensorType.INT8, Shape.of(out, in)).bytes()
              : tensor(t + "weight", TensorType.INT4_PACKED, Shape.of(out, 2 * config.rowBytes(in)))
                  .bytes();
      int n = config.perChannel() ? out * config.groups(in) : 1;
      float[] scales = tensor(t + "scales", TensorType.FLOAT32, Shape.of(n)).floats();
      requireFloats(k, name, t + "scales", scales, false, false);
      byte[] zp = tensor(t + "zero_points", TensorType.INT8, Shape.of(n)).bytes();
      int[] zeroPoints = new int[n];
      int zmin = config.symmetric() ? 0 : config.weightType().min();
      int zmax = config.symmetric() ? 0 : config.weightType().max();
      for (int i = 0; i < n; i++) {
        zeroPoints[i] = zp[i];
        if (zp[i] < zmin || zp[i] > zmax) {
          throw error(
              k,
              name,
              "tensor '" + t + "zero_points'[" + i + "]",
              "is "
                  + zp[i]
                  + ", expected "
                  + zmin
                  + ".."
                  + zmax
                  + " ("
                  + (config.symmetric() ? "symmetric " : "")
                  + config.weightType()
                  + " weights)");
        }
      }
      StaticRequantization requant = null;
      if (config.mode() == ActivationMode.STATIC) {
        ActivationParams input =
            new ActivationParams(
                positiveReal(k, name, m + "input.scale"),
                integerIn(k, name, m + "input.zeroPoint", -128, 127));
        ActivationParams output =
            new ActivationParams(
                positiveReal(k, name, m + "output.scale"),
                integerIn(k, name, m + "output.zeroPoint", -128, 127));
        int[] multipliers = tensor(t + "requant.multipliers", TensorType.INT32, Shape.of(n)).ints();
        int[] shifts = tensor(t + "requant.shifts", TensorType.INT32, Shape.of(n)).ints();
        float[] real =
            tensor(t + "requant.real_multipliers", TensorType.FLOAT32, Shape.of(n)).floats();
        for (int i = 0; i < n; i++) {
          // FixedPoint.quantizeMultiplier writes M0 in [2^30, 2^31), or 0 with shift 0 for M below
          // 2^-32.
          if (multipliers[i] < (1 << 30) && !(multipliers[i] == 0 && shifts[i] == 0)) {
            throw error(
                k,
                name,
                "tensor '" + t + "requant.multipliers'[" + i + "]",
                "is "
                    + multipliers[i]
                    + " (shift "
                    + shifts[i]
                    + "), expected a fixed-point multiplier in [2^30, 2^31) or 0 with shift 0");
          }
        }
        requireFloats(k, name, t + "requant.real_multipliers", real, false, true);
        int outputMin = integerIn(k, name, m + "outputMin", -128, 127);
        int outputMax = integerIn(k, name, m + "outputMax", outputMin, 127);
        requant =
            new StaticRequantization(
                input,
                output,
                tensor(t + "requant.bias", TensorType.INT32, Shape.of(out)).ints(),
                multipliers,
                shifts,
                real,
                outputMin,
                outputMax);
      }
      return new PreparedLayer.Quantized(
          name,
          new QuantizedDenseParams(
              config, in, out, weights, scales, zeroPoints, optionalBias(k, name, out), requant));
    }
  }
}
