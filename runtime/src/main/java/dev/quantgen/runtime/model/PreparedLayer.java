package dev.quantgen.runtime.model;

import dev.quantgen.runtime.layer.ActivationMode;
import dev.quantgen.runtime.layer.BinaryDenseParams;
import dev.quantgen.runtime.layer.DenseLayer;
import dev.quantgen.runtime.layer.DenseWeights;
import dev.quantgen.runtime.layer.Fp16DenseParams;
import dev.quantgen.runtime.layer.GeneratedKernels;
import dev.quantgen.runtime.layer.QuantizedDenseConfig;
import dev.quantgen.runtime.layer.QuantizedDenseParams;
import dev.quantgen.runtime.numerics.Activation;
import dev.quantgen.runtime.numerics.QuantType;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One layer of a quantized model with everything its kernel needs (the layer contract's prepared
 * parameters), and nothing derived from calibration data that is not stored: a model file holds
 * exactly these, so a loaded layer equals the saved one.
 */
public sealed interface PreparedLayer {
  /** The layer's name. */
  String name();

  /** The weight precision. */
  Precision precision();

  /** Number of inputs. */
  int in();

  /** Number of outputs. */
  int out();

  /** A short description for tables, e.g. {@code int8 static}. */
  String label();

  /**
   * The bytes of every stored parameter (weights, scales, zero points, biases, requantization
   * multipliers): what a model file holds for this layer, without its header.
   */
  long parameterBytes();

  /** A new runtime kernel for these parameters (immutable and thread-safe). */
  DenseLayer kernel();

  /**
   * The generated kernel of these parameters at position {@code index} of a model whose generated
   * kernels are {@code kernels}, or empty when none of that layer's generated variants matches.
   *
   * @throws IllegalArgumentException if {@code index} is not a layer of that model
   */
  Optional<DenseLayer> generatedKernel(GeneratedKernels kernels, int index);

  /**
   * What a generated kernel must have been generated for to run these parameters, in the form the
   * generated kernels describe themselves ({@link GeneratedKernels#variants(int)}): precision and
   * scheme, {@code in -> out}, bias, fused activation; for example {@code int8 symmetric
   * per-channel static (integer requantization), 128 -> 10, bias, activation RELU}.
   */
  default String describe() {
    String scheme;
    boolean bias;
    Activation activation;
    if (this instanceof Fp32 l) {
      scheme = "fp32";
      bias = l.weights().hasBias();
      activation = l.activation();
    } else if (this instanceof Fp16 l) {
      scheme = "fp16";
      bias = l.params().bias() != null;
      activation = l.params().activation();
    } else if (this instanceof Quantized l) {
      QuantizedDenseConfig c = l.params().config();
      scheme =
          LayerDescription.quantizedScheme(
              precision(),
              c.symmetric(),
              c.perChannel(),
              c.blockSize(),
              c.mode(),
              c.requantization());
      bias = l.params().bias() != null;
      activation = c.activation();
    } else {
      BinaryDenseParams p = ((Binary) this).params();
      scheme = LayerDescription.binaryScheme(p.alphas().length == p.out(), p.mode());
      bias = p.bias() != null;
      activation = p.activation();
    }
    return scheme
        + ", "
        + in()
        + " -> "
        + out()
        + ", "
        + (bias ? "bias" : "no bias")
        + ", activation "
        + activation;
  }

  /** FP32 weights as trained. */
  record Fp32(String name, DenseWeights weights, Activation activation) implements PreparedLayer {
    public Fp32 {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(weights, "weights");
      Objects.requireNonNull(activation, "activation");
    }

    @Override
    public Precision precision() {
      return Precision.FP32;
    }

    @Override
    public int in() {
      return weights.in();
    }

    @Override
    public int out() {
      return weights.out();
    }

    @Override
    public String label() {
      return "fp32";
    }

    @Override
    public long parameterBytes() {
      return 4L * in() * out() + (weights.hasBias() ? 4L * out() : 0);
    }

    @Override
    public DenseLayer kernel() {
      return new Fp32Kernel(weights, activation);
    }

    @Override
    public Optional<DenseLayer> generatedKernel(GeneratedKernels kernels, int index) {
      return kernels.fp32(index, weights, activation);
    }
  }

  /** FP16 weights, float32 bias and accumulation. */
  record Fp16(String name, Fp16DenseParams params) implements PreparedLayer {
    public Fp16 {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(params, "params");
    }

    @Override
    public Precision precision() {
      return Precision.FP16;
    }

    @Override
    public int in() {
      return params.in();
    }

    @Override
    public int out() {
      return params.out();
    }

    @Override
    public String label() {
      return "fp16";
    }

    @Override
    public long parameterBytes() {
      return 2L * in() * out() + (params.bias() != null ? 4L * out() : 0);
    }

    @Override
    public DenseLayer kernel() {
      return new Fp16Kernel(params);
    }

    @Override
    public Optional<DenseLayer> generatedKernel(GeneratedKernels kernels, int index) {
      return kernels.fp16(index, params);
    }
  }

  /** INT8 or INT4 weights with STATIC, DYNAMIC or weight-only (FLOAT) activations. */
  record Quantized(String name, QuantizedDenseParams params) implements PreparedLayer {
    public Quantized {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(params, "params");
    }

    @Override
    public Precision precision() {
      return params.config().weightType() == QuantType.INT8 ? Precision.INT8 : Precision.INT4;
    }

    @Override
    public int in() {
      return params.in();
    }

    @Override
    public int out() {
      return params.out();
    }

    @Override
    public String label() {
      ActivationMode mode = params.config().mode();
      return precision().label()
          + " "
          + (mode == ActivationMode.FLOAT ? "weight-only" : mode.name().toLowerCase(Locale.ROOT));
    }

    /**
     * Weights (1 byte per int8, half a byte per int4, rows byte-aligned), float scales, int8 zero
     * points, the float bias and, for STATIC layers, the int32 bias, multipliers, shifts and the
     * float multipliers of ONNX mode.
     */
    @Override
    public long parameterBytes() {
      long scales = params.scales().length;
      long bytes = (long) out() * params.config().rowBytes(in()) + 4 * scales + scales;
      if (params.bias() != null) {
        bytes += 4L * out();
      }
      if (params.requantization() != null) {
        bytes += 4L * out() + 3 * 4 * scales;
      }
      return bytes;
    }

    @Override
    public DenseLayer kernel() {
      switch (params.config().mode()) {
        case STATIC:
          return new StaticKernel(params);
        case DYNAMIC:
          return new DynamicKernel(params);
        default:
          return new WeightOnlyKernel(params);
      }
    }

    @Override
    public Optional<DenseLayer> generatedKernel(GeneratedKernels kernels, int index) {
      return kernels.quantized(index, params);
    }
  }

  /** Sign bits and a float scale per channel (or per tensor). */
  record Binary(String name, BinaryDenseParams params) implements PreparedLayer {
    public Binary {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(params, "params");
    }

    @Override
    public Precision precision() {
      return Precision.BINARY;
    }

    @Override
    public int in() {
      return params.in();
    }

    @Override
    public int out() {
      return params.out();
    }

    @Override
    public String label() {
      return params.mode() == ActivationMode.BINARY ? "binary xnor" : "binary weight-only";
    }

    @Override
    public long parameterBytes() {
      return 8L * out() * BinaryDenseParams.words(in())
          + 4L * params.alphas().length
          + (params.bias() != null ? 4L * out() : 0);
    }

    @Override
    public DenseLayer kernel() {
      return new BinaryKernel(params);
    }

    @Override
    public Optional<DenseLayer> generatedKernel(GeneratedKernels kernels, int index) {
      return kernels.binary(index, params);
    }
  }
}
