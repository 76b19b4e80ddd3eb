package dev.quantgen.cli.conformance;

import dev.quantgen.quantize.reference.ConvAttributes;
import dev.quantgen.quantize.reference.ConvInteger;
import dev.quantgen.quantize.reference.DynamicQuantizeLinear;
import dev.quantgen.quantize.reference.MatMulInteger;
import dev.quantgen.quantize.reference.QLinearConv;
import dev.quantgen.quantize.reference.QLinearMatMul;
import dev.quantgen.runtime.numerics.DequantizeLinear;
import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.FloatType;
import dev.quantgen.runtime.numerics.IntTensor;
import dev.quantgen.runtime.numerics.QuantType;
import dev.quantgen.runtime.numerics.QuantizeLinear;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs a case's operator on the runtime reference ({@code dev.quantgen.runtime.numerics}). Maps the
 * ONNX node (input slots, attributes, {@code output_dtype} codes) onto the Java operators; anything
 * the reference does not implement is an {@link UnsupportedCaseException}, never a silent skip.
 */
final class ReferenceOperators {
  /** One ONNX operator: its input names by slot, the required ones, and how to run it. */
  private record Operator(
      List<String> inputNames, int requiredInputs, Set<String> attributes, Body body) {}

  @FunctionalInterface
  private interface Body {
    List<TensorValue> run(Node node) throws CaseFormatException, UnsupportedCaseException;
  }

  private static final Set<String> CONV_ATTRIBUTES =
      Set.of("auto_pad", "pads", "strides", "dilations", "group", "kernel_shape");

  private static final Map<String, Operator> OPERATORS =
      Map.of(
          "QuantizeLinear",
              new Operator(
                  List.of("x", "y_scale", "y_zero_point"),
                  2,
                  Set.of("axis", "block_size", "output_dtype", "saturate", "precision"),
                  ReferenceOperators::quantizeLinear),
          "DequantizeLinear",
              new Operator(
                  List.of("x", "x_scale", "x_zero_point"),
                  2,
                  Set.of("axis", "block_size", "output_dtype"),
                  ReferenceOperators::dequantizeLinear),
          "DynamicQuantizeLinear",
              new Operator(List.of("x"), 1, Set.of(), ReferenceOperators::dynamicQuantizeLinear),
          "MatMulInteger",
              new Operator(
                  List.of("A", "B", "a_zero_point", "b_zero_point"),
                  2,
                  Set.of(),
                  ReferenceOperators::matMulInteger),
          "QLinearMatMul",
              new Operator(
                  List.of(
                      "a",
                      "a_scale",
                      "a_zero_point",
                      "b",
                      "b_scale",
                      "b_zero_point",
                      "y_scale",
                      "y_zero_point"),
                  8,
                  Set.of(),
                  ReferenceOperators::qLinearMatMul),
          "ConvInteger",
              new Operator(
                  List.of("x", "w", "x_zero_point", "w_zero_point"),
                  2,
                  CONV_ATTRIBUTES,
                  ReferenceOperators::convInteger),
          "QLinearConv",
              new Operator(
                  List.of(
                      "x",
                      "x_scale",
                      "x_zero_point",
                      "w",
                      "w_scale",
                      "w_zero_point",
                      "y_scale",
                      "y_zero_point",
                      "B"),
                  8,
                  CONV_ATTRIBUTES,
                  ReferenceOperators::qLinearConv));

  private ReferenceOperators() {}

  /**
   * Runs the case's operator and returns its outputs by slot.
   *
   * @throws IllegalArgumentException when the runtime operator rejects the inputs
   */
  static List<TensorValue> run(ConformanceCase c)
      throws CaseFormatException, UnsupportedCaseException {
    Operator op = OPERATORS.get(c.opType());
    if (op == null) {
      throw new UnsupportedCaseException(
          "operator '"
              + c.opType()
              + "' is not supported, supported: "
              + new java.util.TreeSet<>(OPERATORS.keySet()));
    }
    c.attributes().requireOnly(c.opType(), op.attributes());
    if (c.inputs().size() > op.inputNames().size()) {
      throw new CaseFormatException(
          "inputs: node_input slot "
              + (c.inputs().size() - 1)
              + " given, but "
              + c.opType()
              + " has only "
              + op.inputNames().size()
              + " inputs "
              + op.inputNames());
    }
    for (int slot = 0; slot < op.requiredInputs(); slot++) {
      if (c.input(slot) == null) {
        throw new CaseFormatException(
            "inputs: "
                + c.opType()
                + " requires input slot "
                + slot
                + " ("
                + op.inputNames().get(slot)
                + "), missing");
      }
    }
    return op.body().run(new Node(c, op.inputNames()));
  }

  private static List<TensorValue> quantizeLinear(Node n)
      throws CaseFormatException, UnsupportedCaseException {
    CaseAttributes a = n.attributes();
    if (a.getInt("precision", 0) != 0) {
      throw new UnsupportedCaseException(
          "QuantizeLinear: attribute precision "
              + a.getInt("precision", 0)
              + " is not supported, expected 0 (unset)");
    }
    int code = a.getInt("output_dtype", 0);
    QuantType outputType =
        code == 0 ? null : OnnxDataType.integerType(code, "attributes.output_dtype");
    IntTensor y =
        QuantizeLinear.apply(
            n.floats(0),
            n.floats(1),
            n.optionalInts(2),
            a.getInt("axis", 1),
            a.getInt("block_size", 0),
            outputType);
    return List.of(new TensorValue.Ints(y));
  }

  private static List<TensorValue> dequantizeLinear(Node n)
      throws CaseFormatException, UnsupportedCaseException {
    CaseAttributes a = n.attributes();
    int code = a.getInt("output_dtype", 0);
    FloatType outputType =
        code == 0 ? null : OnnxDataType.floatType(code, "attributes.output_dtype");
    FloatTensor y =
        DequantizeLinear.apply(
            n.ints(0),
            n.floats(1),
            n.optionalInts(2),
            a.getInt("axis", 1),
            a.getInt("block_size", 0),
            outputType);
    return List.of(new TensorValue.Floats(y));
  }

  private static List<TensorValue> dynamicQuantizeLinear(Node n) throws UnsupportedCaseException {
    DynamicQuantizeLinear.Result r = DynamicQuantizeLinear.apply(n.floats(0));
    return List.of(
        new TensorValue.Ints(r.y()),
        new TensorValue.Floats(FloatTensor.scalar(r.scale())),
        new TensorValue.Ints(IntTensor.scalar(QuantType.UINT8, r.zeroPoint())));
  }

  private static List<TensorValue> matMulInteger(Node n) throws UnsupportedCaseException {
    return List.of(
        new TensorValue.Ints(
            MatMulInteger.apply(n.ints(0), n.ints(1), n.optionalInts(2), n.optionalInts(3))));
  }

  private static List<TensorValue> qLinearMatMul(Node n) throws UnsupportedCaseException {
    return List.of(
        new TensorValue.Ints(
            QLinearMatMul.apply(
                n.ints(0),
                n.floats(1),
                n.ints(2),
                n.ints(3),
                n.floats(4),
                n.ints(5),
                n.floats(6),
                n.ints(7))));
  }

  private static List<TensorValue> convInteger(Node n)
      throws CaseFormatException, UnsupportedCaseException {
    return List.of(
        new TensorValue.Ints(
            ConvInteger.apply(
                n.ints(0),
                n.ints(1),
                n.optionalInts(2),
                n.optionalInts(3),
                convAttributes(n.attributes()))));
  }

  private static List<TensorValue> qLinearConv(Node n)
      throws CaseFormatException, UnsupportedCaseException {
    return List.of(
        new TensorValue.Ints(
            QLinearConv.apply(
                n.ints(0),
                n.floats(1),
                n.ints(2),
                n.ints(3),
                n.floats(4),
                n.ints(5),
                n.floats(6),
                n.ints(7),
                n.optionalInts(8),
                convAttributes(n.attributes()))));
  }

  private static ConvAttributes convAttributes(CaseAttributes a) throws CaseFormatException {
    ConvAttributes.Builder b =
        ConvAttributes.builder()
            .autoPad(ConvAttributes.AutoPad.fromOnnxName(a.getString("auto_pad", "NOTSET")))
            .group(a.getInt("group", 1));
    int[] pads = a.getInts("pads");
    if (pads != null) {
      b.pads(pads);
    }
    int[] strides = a.getInts("strides");
    if (strides != null) {
      b.strides(strides);
    }
    int[] dilations = a.getInts("dilations");
    if (dilations != null) {
      b.dilations(dilations);
    }
    int[] kernel = a.getInts("kernel_shape");
    if (kernel != null) {
      b.kernelShape(kernel);
    }
    return b.build();
  }

  /** A case seen through its operator's input names, with typed input access. */
  private record Node(ConformanceCase c, List<String> names) {
    CaseAttributes attributes() {
      return c.attributes();
    }

    IntTensor ints(int slot) throws UnsupportedCaseException {
      TensorValue v = c.input(slot);
      if (v instanceof TensorValue.Ints i) {
        return i.tensor();
      }
      throw wrongKind(slot, v, "an integer type");
    }

    IntTensor optionalInts(int slot) throws UnsupportedCaseException {
      return c.input(slot) == null ? null : ints(slot);
    }

    FloatTensor floats(int slot) throws UnsupportedCaseException {
      TensorValue v = c.input(slot);
      if (v instanceof TensorValue.Floats f) {
        return f.tensor();
      }
      throw wrongKind(slot, v, "float32 or float16");
    }

    private UnsupportedCaseException wrongKind(int slot, TensorValue v, String expected) {
      return new UnsupportedCaseException(
          c.opType()
              + " input "
              + names.get(slot)
              + " (slot "
              + slot
              + "): dtype "
              + v.dtype()
              + " is not supported here, expected "
              + expected);
    }
  }
}
