package dev.quantgen.onnx;

import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.IntTensor;
import dev.quantgen.runtime.numerics.QuantParams;
import dev.quantgen.runtime.numerics.QuantType;
import dev.quantgen.runtime.numerics.Shape;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A pre-quantized ONNX (QDQ) model imported as it is by {@link QdqImporter}: the scales and zero
 * points of the file, no calibration. The input is quantized once with the file's input {@code
 * QuantizeLinear}; each Conv, MatMul and Gemm runs as a static INT8 {@link
 * dev.quantgen.runtime.conv.QuantizedConv2d} built from the file's integer weights, int32 bias and
 * activation parameters (int32 accumulation, requantization {@code rint(acc * M) + zy} with {@code
 * M = sx * sw / sy} in float32 and the product rounded as {@link QdqImporter.Rounding} says,
 * saturation); a global average pool between a DequantizeLinear and a QuantizeLinear runs as ONNX
 * Runtime's QLinearGlobalAveragePool; max pooling, flatten and reshape move int8 codes; a residual
 * Add of two dequantized activations, quantized again, runs as ONNX {@code QLinearAdd} with the
 * file's three parameters. The output is dequantized with the file's last {@code DequantizeLinear}.
 *
 * <p>Codes are held in int8 throughout: a uint8 tensor of the file is the same quantization shifted
 * by 128 ({@code q - 128} with zero point {@code z - 128}), which changes no {@code q - z} and so
 * no accumulator, and saturates at the same places. {@link #runFileCodes} shifts the output back to
 * the file's type. Immutable and thread-safe.
 *
 * @param inputShape the per-sample input shape (batch axis dropped)
 * @param inputParams the input's parameters in the int8 domain
 * @param layers the steps from the quantized input to the quantized output
 * @param outputParams the parameters the output is dequantized with, in the int8 domain
 * @param outputType the file's type of the last quantized tensor: INT8 or UINT8
 */
public record QdqModel(
    String source,
    String inputName,
    Shape inputShape,
    QuantParams inputParams,
    List<Layer> layers,
    QuantParams outputParams,
    QuantType outputType,
    Shape outputShape) {
  public QdqModel {
    layers = List.copyOf(layers);
  }

  /**
   * One step on int8 codes.
   *
   * @param name the first ONNX node of the step
   * @param description what it runs, e.g. {@code Conv 5x5 int8 per-channel (8 scales) + Relu}
   * @param sources the ONNX nodes folded into it
   */
  public record Layer(
      String name,
      String description,
      List<String> sources,
      Shape outputShape,
      UnaryOperator<IntTensor> step,
      int from,
      java.util.function.BinaryOperator<IntTensor> join) {
    /** {@link #from()} of a layer that reads only the chain's codes. */
    public static final int CHAIN = -2;

    public Layer {
      sources = List.copyOf(sources);
    }

    /** A step on the chain's codes. */
    public Layer(
        String name,
        String description,
        List<String> sources,
        Shape outputShape,
        UnaryOperator<IntTensor> step) {
      this(name, description, sources, outputShape, step, CHAIN, null);
    }

    /**
     * A join of the chain's codes with layer {@code from}'s output codes ({@code -1}: the quantized
     * input): {@code join.apply(chain, other)}.
     */
    public static Layer join(
        String name,
        String description,
        List<String> sources,
        Shape outputShape,
        int from,
        java.util.function.BinaryOperator<IntTensor> join) {
      return new Layer(name, description, sources, outputShape, null, from, join);
    }
  }

  /**
   * Runs a float batch {@code [N, ...inputShape]}; returns the last layer's codes in the int8
   * domain.
   */
  public IntTensor runQuantized(FloatTensor batch) {
    requireInput(batch.shape());
    IntTensor q = inputParams.quantize(batch);
    IntTensor x = q;
    List<IntTensor> outputs = new java.util.ArrayList<>(layers.size());
    for (Layer layer : layers) {
      x =
          layer.join() == null
              ? layer.step().apply(x)
              : layer.join().apply(x, layer.from() < 0 ? q : outputs.get(layer.from()));
      outputs.add(x);
    }
    return x;
  }

  /** As {@link #runQuantized}, with the codes in the file's type (uint8 shifted back by 128). */
  public IntTensor runFileCodes(FloatTensor batch) {
    IntTensor q = runQuantized(batch);
    if (outputType == QuantType.INT8) {
      return q;
    }
    int[] v = q.toArray();
    for (int i = 0; i < v.length; i++) {
      v[i] += 128;
    }
    return IntTensor.of(q.shape(), QuantType.UINT8, v);
  }

  /** Runs a float batch and dequantizes the output: {@code [N, ...outputShape]} float32. */
  public FloatTensor run(FloatTensor batch) {
    return outputParams.dequantize(runQuantized(batch));
  }

  private void requireInput(Shape batch) {
    int[] d = batch.dims();
    boolean ok = d.length == inputShape.rank() + 1 && d[0] >= 1;
    for (int i = 0; ok && i < inputShape.rank(); i++) {
      ok = d[i + 1] == inputShape.dim(i);
    }
    if (!ok) {
      throw new IllegalArgumentException(
          "batch: shape "
              + batch
              + ", expected [N, "
              + inputShape.toString().replaceAll("[\\[\\]]", "")
              + "] (the input '"
              + inputName
              + "' of "
              + source
              + ")");
    }
  }
}
