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
import dev.quantgen.runtime.layer.FusedActivation;
import dev.quantgen.runtime.layer.GeneratedKernels;
import dev.quantgen.runtime.layer.QuantizedDenseConfig;
import dev.quantgen.runtime.layer.QuantizedDenseParams;
import dev.quantgen.runtime.layer.RequantMode;
import dev.quantgen.runtime.layer.StaticRequantization;
import dev.quantgen.runtime.numerics.QuantType;
import dev.quantgen.runtime.numerics.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Saves a {@link QuantizedModel} to one {@link ModelFile} ({@code .qgen}) and loads it back
 * bit-exactly. The container (io) provides the versioned header, checksums, size checks before
 * allocation and the atomic write; this class maps layers onto it:
 *
 * <ul>
 *   <li>metadata {@code quantgen.model = dense-chain}, {@code quantgen.model.version = 1},
 *       {@code layers = N}, and per layer {@code layer.K.*}: name, precision, in, out, activation,
 *       and the precision's configuration (scheme, granularity, mode, requantization, boundary
 *       parameters with floats written by {@link Float#toString}, which reads back exactly);
 *   <li>tensors named {@code <layer>.<part>}: {@code weight} (FLOAT32, FLOAT16, INT8, INT4_PACKED of
 *       shape {@code [out, 2 * ceil(in / 2)]} since rows are byte-aligned, or BINARY_PACKED),
 *       {@code bias}, {@code scales}, {@code zero_points} (INT8), {@code alphas}, and for STATIC
 *       layers {@code requant.bias}, {@code requant.multipliers}, {@code requant.shifts} (INT32) and
 *       {@code requant.real_multipliers} (FLOAT32).
 * </ul>
 *
 * Every problem on load is a {@link ModelFileException} naming the file and what is wrong.
 */
public final class QuantizedModelFiles {
  /** The {@code quantgen.model} metadata value of a dense chain. */
  public static final String KIND = "dense-chain";
  /** The layout version this class writes and reads. */
  public static final int VERSION = 1;

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
   * Reads a model written by {@link #save} and runs each layer on its generated kernel in {@code
   * kernels} where one matches (see {@link QuantizedModel#of(List, GeneratedKernels)}); null means
   * the runtime's kernels throughout.
   *
   * @throws ModelFileException as {@link #load(Path)} does, and when the file holds another number
   *     of layers than the model {@code kernels} were generated for
   */
  public static QuantizedModel load(Path file, GeneratedKernels kernels) throws IOException {
    return fromModelFile(ModelFile.read(file), file, kernels);
  }

  /** The container holding {@code model}. */
  static ModelFile toModelFile(QuantizedModel model) {
    ModelFile.Builder b = ModelFile.builder()
        .metadata("quantgen.model", KIND)
        .metadata("quantgen.model.version", Integer.toString(VERSION))
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
        b.metadata(m + "activation", f.activation().name());
        b.tensor(ModelTensor.float32(t + "weight", matrix, f.weights().weights()));
        bias(b, t, f.weights().bias());
      } else if (layer instanceof PreparedLayer.Fp16 h) {
        b.metadata(m + "activation", h.params().activation().name());
        b.tensor(ModelTensor.float16Bits(t + "weight", matrix, h.params().weights()));
        bias(b, t, h.params().bias());
      } else if (layer instanceof PreparedLayer.Binary bin) {
        BinaryDenseParams p = bin.params();
        b.metadata(m + "activation", p.activation().name()).metadata(m + "mode", p.mode().name());
        b.tensor(ModelTensor.binaryPacked(t + "weight", matrix, p.weights()));
        b.tensor(ModelTensor.float32(t + "alphas", Shape.of(p.alphas().length), p.alphas()));
        bias(b, t, p.bias());
      } else {
        QuantizedDenseParams p = ((PreparedLayer.Quantized) layer).params();
        QuantizedDenseConfig c = p.config();
        b.metadata(m + "activation", c.activation().name())
            .metadata(m + "symmetric", Boolean.toString(c.symmetric()))
            .metadata(m + "perChannel", Boolean.toString(c.perChannel()))
            .metadata(m + "blockSize", Integer.toString(c.blockSize()))
            .metadata(m + "mode", c.mode().name())
            .metadata(m + "requantization", c.requantization().name());
        if (c.weightType() == QuantType.INT8) {
          b.tensor(ModelTensor.int8(t + "weight", matrix, p.weights()));
        } else {
          b.tensor(ModelTensor.int4Packed(t + "weight", Shape.of(p.out(), 2 * c.rowBytes(p.in())), p.weights()));
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
          b.tensor(ModelTensor.float32(t + "requant.real_multipliers", Shape.of(n), r.realMultipliers()));
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
    return fromModelFile(mf, file, null);
  }

  /** The model a container holds, on {@code kernels} where they match (null: runtime kernels). */
  static QuantizedModel fromModelFile(ModelFile mf, Path file, GeneratedKernels kernels) throws ModelFileException {
    Reader r = new Reader(mf, file);
    String kind = r.text("quantgen.model");
    if (!kind.equals(KIND)) {
      throw r.error("holds a '" + kind + "' model, expected '" + KIND + "'");
    }
    int version = r.integer("quantgen.model.version");
    if (version != VERSION) {
      throw r.error("model layout version " + version + " is not supported, expected " + VERSION);
    }
    int count = r.integer("layers");
    if (count < 1 || count > mf.tensorNames().size()) {
      throw r.error("metadata 'layers' is " + count + ", expected 1.." + mf.tensorNames().size() + " (one or more "
          + "tensors per layer)");
    }
    if (kernels != null && kernels.layers() != count) {
      throw r.error("holds " + count + " layers, expected " + kernels.layers() + " (the layers of "
          + kernels.modelName() + ", whose generated kernels were asked for)");
    }
    List<PreparedLayer> layers = new ArrayList<>();
    for (int k = 0; k < count; k++) {
      layers.add(r.layer(k));
    }
    try {
      return QuantizedModel.of(layers, kernels);
    } catch (IllegalArgumentException e) {
      throw r.error(e.getMessage());
    }
  }

  /** Reads metadata and tensors, turning every inconsistency into a {@link ModelFileException}. */
  private static final class Reader {
    private final ModelFile mf;
    private final Path file;
    private final Map<String, String> metadata;

    Reader(ModelFile mf, Path file) {
      this.mf = mf;
      this.file = file;
      this.metadata = mf.metadata();
    }

    ModelFileException error(String problem) {
      return new ModelFileException(file + ": " + problem);
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
        throw error("metadata '" + key + "' is '" + v + "', expected one of "
            + java.util.Arrays.toString(type.getEnumConstants()));
      }
    }

    ModelTensor tensor(String name, TensorType type, Shape shape) throws ModelFileException {
      if (!mf.tensorNames().contains(name)) {
        throw error("missing tensor '" + name + "'");
      }
      ModelTensor t = mf.tensor(name);
      if (t.type() != type || !t.shape().equals(shape)) {
        throw error("tensor '" + name + "' is " + t.type() + t.shape() + ", expected " + type + shape);
      }
      return t;
    }

    float[] optionalBias(String layer, int out) throws ModelFileException {
      String name = layer + ".bias";
      return mf.tensorNames().contains(name) ? tensor(name, TensorType.FLOAT32, Shape.of(out)).floats() : null;
    }

    PreparedLayer layer(int k) throws ModelFileException {
      String m = "layer." + k + ".";
      String name = text(m + "name");
      Precision precision = choice(m + "precision", Precision.class);
      int in = integer(m + "in");
      int out = integer(m + "out");
      if (in < 1 || out < 1) {
        throw error("layer " + name + ": in = " + in + ", out = " + out + ", expected positive sizes");
      }
      FusedActivation activation = choice(m + "activation", FusedActivation.class);
      String t = name + ".";
      Shape matrix = Shape.of(out, in);
      try {
        switch (precision) {
          case FP32:
            return new PreparedLayer.Fp32(name, DenseWeights.of(in, out,
                tensor(t + "weight", TensorType.FLOAT32, matrix).floats(), optionalBias(name, out)), activation);
          case FP16:
            return new PreparedLayer.Fp16(name, new Fp16DenseParams(in, out,
                tensor(t + "weight", TensorType.FLOAT16, matrix).float16Bits(), optionalBias(name, out), activation));
          case BINARY: {
            ActivationMode mode = choice(m + "mode", ActivationMode.class);
            long[] words = tensor(t + "weight", TensorType.BINARY_PACKED, matrix).longs();
            ModelTensor alphas = mf.tensorNames().contains(t + "alphas") ? mf.tensor(t + "alphas") : null;
            if (alphas == null || alphas.type() != TensorType.FLOAT32 || alphas.shape().rank() != 1) {
              throw error("tensor '" + t + "alphas': expected FLOAT32 of rank 1, got " + alphas);
            }
            return new PreparedLayer.Binary(name, new BinaryDenseParams(in, out, words, alphas.floats(),
                optionalBias(name, out), mode, activation));
          }
          default:
            return quantized(k, name, precision, in, out, activation);
        }
      } catch (IllegalArgumentException e) {
        throw error("layer " + name + ": " + e.getMessage());
      }
    }

    private PreparedLayer quantized(int k, String name, Precision precision, int in, int out,
        FusedActivation activation) throws ModelFileException {
      String m = "layer." + k + ".";
      String t = name + ".";
      QuantizedDenseConfig config = new QuantizedDenseConfig(
          precision == Precision.INT8 ? QuantType.INT8 : QuantType.INT4, bool(m + "symmetric"),
          bool(m + "perChannel"), integer(m + "blockSize"), choice(m + "mode", ActivationMode.class),
          choice(m + "requantization", RequantMode.class), activation);
      byte[] weights = precision == Precision.INT8
          ? tensor(t + "weight", TensorType.INT8, Shape.of(out, in)).bytes()
          : tensor(t + "weight", TensorType.INT4_PACKED, Shape.of(out, 2 * config.rowBytes(in))).bytes();
      int n = config.perChannel() ? out * config.groups(in) : 1;
      float[] scales = tensor(t + "scales", TensorType.FLOAT32, Shape.of(n)).floats();
      byte[] zp = tensor(t + "zero_points", TensorType.INT8, Shape.of(n)).bytes();
      int[] zeroPoints = new int[n];
      for (int i = 0; i < n; i++) {
        zeroPoints[i] = zp[i];
      }
      StaticRequantization requant = null;
      if (config.mode() == ActivationMode.STATIC) {
        requant = new StaticRequantization(
            new ActivationParams(real(m + "input.scale"), integer(m + "input.zeroPoint")),
            new ActivationParams(real(m + "output.scale"), integer(m + "output.zeroPoint")),
            tensor(t + "requant.bias", TensorType.INT32, Shape.of(out)).ints(),
            tensor(t + "requant.multipliers", TensorType.INT32, Shape.of(n)).ints(),
            tensor(t + "requant.shifts", TensorType.INT32, Shape.of(n)).ints(),
            tensor(t + "requant.real_multipliers", TensorType.FLOAT32, Shape.of(n)).floats(),
            integer(m + "outputMin"), integer(m + "outputMax"));
      }
      return new PreparedLayer.Quantized(name,
          new QuantizedDenseParams(config, in, out, weights, scales, zeroPoints, optionalBias(name, out), requant));
    }
  }
}
