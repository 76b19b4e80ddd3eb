package dev.quantgen.onnx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The small integer arithmetic exporters write to compute a Reshape's target from a tensor's shape,
 * evaluated while the graph is lowered. PyTorch writes {@code x.view(x.size(0), -1)} with a dynamic
 * batch as {@code Shape -> Gather(0) -> Unsqueeze -> Concat([_, -1]) -> Reshape}; every entry is
 * known here except the batch, which stays a symbol ({@link #BATCH}) that may be moved around but
 * not computed with, and must end up as the first entry of the Reshape's target.
 *
 * <p>Evaluated: {@code Shape} of the chain's current value (opset 15's {@code start}/{@code end}
 * included), {@code Gather} on axis 0 with constant indices, {@code Unsqueeze} of a scalar, {@code
 * Squeeze} of a one-entry vector, {@code Concat} on axis 0 of shape values and int64 constants,
 * {@code Cast} to an integer type, and {@code Slice} with constant bounds and step 1. Anything else
 * that reads a shape value is refused naming the node.
 */
final class ShapeArithmetic {
  /** The operators this class evaluates when they read a shape value. */
  static final List<String> OPERATORS =
      List.of("Shape", "Gather", "Unsqueeze", "Squeeze", "Concat", "Cast", "Slice");

  /** The batch dimension: unknown until run time, so only ever copied, never computed with. */
  static final long BATCH = Long.MIN_VALUE;

  private static final long INT32 = 6;
  private static final long INT64 = 7;

  /** A shape value: its entries, and whether it is a scalar (rank 0) rather than a vector. */
  private record Value(long[] entries, boolean scalar) {}

  private final Map<String, Value> values = new HashMap<>();

  /** Whether {@code name} is a shape value computed here. */
  boolean holds(String name) {
    return values.containsKey(name);
  }

  /**
   * Whether {@code node} is shape arithmetic: a {@code Shape} of the chain's current value, or one
   * of {@link #OPERATORS} reading at least one shape value.
   */
  boolean accepts(OnnxNode node, String current) {
    if (node.opType().equals("Shape")) {
      return node.input(0).equals(current);
    }
    return OPERATORS.contains(node.opType())
        && node.inputs().stream().anyMatch(values::containsKey);
  }

  /**
   * Evaluates an accepted node.
   *
   * @param perSample the chain's current per-sample dimensions (the batch excluded)
   * @param constants the graph's constants, for indices, axes and other operands
   */
  void evaluate(OnnxNode node, int[] perSample, Map<String, OnnxTensor> constants) {
    Value out =
        switch (node.opType()) {
          case "Shape" -> shape(node, perSample);
          case "Gather" -> gather(node, constants);
          case "Unsqueeze" -> unsqueeze(node, constants);
          case "Squeeze" -> squeeze(node);
          case "Concat" -> concat(node, constants);
          case "Cast" -> cast(node);
          default -> slice(node, constants);
        };
    if (node.outputs().isEmpty()) {
      throw unsupported(node, "has no output, expected one");
    }
    values.put(node.outputs().get(0), out);
  }

  /**
   * The Reshape target held by shape value {@code name}: the batch symbol, allowed only as the
   * first entry, becomes {@code batch}.
   */
  long[] reshapeTarget(OnnxNode node, String name, long batch) {
    Value v = values.get(name);
    if (v.scalar()) {
      throw unsupported(node, "target shape '" + name + "' is a scalar: expected a vector");
    }
    long[] target = v.entries().clone();
    for (int i = 0; i < target.length; i++) {
      if (target[i] == BATCH) {
        if (i != 0) {
          throw unsupported(
              node,
              "target shape "
                  + describe(v)
                  + " moves the batch to position "
                  + i
                  + ": expected it first");
        }
        target[i] = batch;
      }
    }
    return target;
  }

  private static Value shape(OnnxNode node, int[] perSample) {
    long[] full = new long[perSample.length + 1];
    full[0] = BATCH;
    for (int i = 0; i < perSample.length; i++) {
      full[i + 1] = perSample[i];
    }
    int rank = full.length;
    int start = clampIndex(node.longAttribute("start", 0), rank);
    int end = clampIndex(node.longAttribute("end", rank), rank);
    return new Value(Arrays.copyOfRange(full, start, Math.max(start, end)), false);
  }

  private Value gather(OnnxNode node, Map<String, OnnxTensor> constants) {
    if (node.longAttribute("axis", 0) != 0) {
      throw unsupported(node, "gathers on axis " + node.longAttribute("axis", 0) + ": expected 0");
    }
    Value data = vector(node, 0);
    OnnxTensor indices = integerConstant(node, 1, constants);
    long[] picked = new long[indices.longs().length];
    for (int i = 0; i < picked.length; i++) {
      long k = indices.longs()[i];
      long at = k < 0 ? k + data.entries().length : k;
      if (at < 0 || at >= data.entries().length) {
        throw unsupported(
            node,
            "index "
                + k
                + " of "
                + describe(data)
                + ": expected -"
                + data.entries().length
                + ".."
                + (data.entries().length - 1));
      }
      picked[i] = data.entries()[(int) at];
    }
    return new Value(picked, indices.shape().rank() == 0);
  }

  private Value unsqueeze(OnnxNode node, Map<String, OnnxTensor> constants) {
    Value data = value(node, 0);
    long[] axes =
        node.inputs().size() > 1 && !node.input(1).isEmpty()
            ? integerConstant(node, 1, constants).longs()
            : node.longsAttribute("axes");
    if (!data.scalar() || axes == null || axes.length != 1 || (axes[0] != 0 && axes[0] != -1)) {
      throw unsupported(
          node,
          "unsqueezes "
              + describe(data)
              + " on axes "
              + Arrays.toString(axes)
              + ": expected a scalar made a vector (axis 0)");
    }
    return new Value(data.entries(), false);
  }

  private Value squeeze(OnnxNode node) {
    Value data = value(node, 0);
    if (data.scalar() || data.entries().length != 1) {
      throw unsupported(node, "squeezes " + describe(data) + ": expected a vector of one entry");
    }
    return new Value(data.entries(), true);
  }

  private Value concat(OnnxNode node, Map<String, OnnxTensor> constants) {
    long axis = node.longAttribute("axis", 0);
    if (axis != 0 && axis != -1) {
      throw unsupported(node, "concatenates shape values on axis " + axis + ": expected 0");
    }
    List<Long> entries = new ArrayList<>();
    for (int i = 0; i < node.inputs().size(); i++) {
      long[] part =
          values.containsKey(node.input(i))
              ? vector(node, i).entries()
              : integerConstant(node, i, constants).longs();
      for (long e : part) {
        entries.add(e);
      }
    }
    return new Value(entries.stream().mapToLong(Long::longValue).toArray(), false);
  }

  private Value cast(OnnxNode node) {
    long to = node.longAttribute("to", -1);
    if (to != INT64 && to != INT32) {
      throw unsupported(node, "casts a shape value to type " + to + ": expected INT64 or INT32");
    }
    return value(node, 0);
  }

  private Value slice(OnnxNode node, Map<String, OnnxTensor> constants) {
    Value data = vector(node, 0);
    long[] starts = operand(node, 1, "starts", constants);
    long[] ends = operand(node, 2, "ends", constants);
    long[] axes = operand(node, 3, "axes", constants);
    long[] steps = operand(node, 4, "steps", constants);
    if (starts == null
        || ends == null
        || starts.length != 1
        || ends.length != 1
        || (axes != null && (axes.length != 1 || (axes[0] != 0 && axes[0] != -1)))
        || (steps != null && (steps.length != 1 || steps[0] != 1))) {
      throw unsupported(
          node,
          "slices "
              + describe(data)
              + ": expected one constant start and end on axis 0 with step 1");
    }
    int n = data.entries().length;
    int from = clampIndex(starts[0], n);
    int to = clampIndex(ends[0], n);
    return new Value(Arrays.copyOfRange(data.entries(), from, Math.max(from, to)), false);
  }

  /** Input {@code input} (opset 10+) or attribute {@code name} (before), or null when absent. */
  private static long[] operand(
      OnnxNode node, int input, String name, Map<String, OnnxTensor> constants) {
    if (node.inputs().size() > input && !node.input(input).isEmpty()) {
      return integerConstant(node, input, constants).longs();
    }
    return node.inputs().size() > 1 ? null : node.longsAttribute(name);
  }

  /** An index clamped as ONNX's Shape and Slice clamp theirs: negative counts from the end. */
  private static int clampIndex(long index, int length) {
    long i = index < 0 ? index + length : index;
    return (int) Math.max(0, Math.min(length, i));
  }

  private Value value(OnnxNode node, int input) {
    Value v = values.get(node.input(input));
    if (v == null) {
      throw unsupported(
          node,
          "input "
              + input
              + " '"
              + node.input(input)
              + "' is not a shape value: expected the result of Shape (or arithmetic on it)");
    }
    return v;
  }

  private Value vector(OnnxNode node, int input) {
    Value v = value(node, input);
    if (v.scalar()) {
      throw unsupported(node, "input " + input + " is a scalar: expected a vector");
    }
    return v;
  }

  private static OnnxTensor integerConstant(
      OnnxNode node, int input, Map<String, OnnxTensor> constants) {
    OnnxTensor t = constants.get(node.input(input));
    if (t == null || t.type() != OnnxTensor.ElementType.INT64) {
      throw unsupported(
          node,
          "input "
              + input
              + " '"
              + node.input(input)
              + "': expected an int64 constant (shape arithmetic)");
    }
    return t;
  }

  private static String describe(Value v) {
    StringBuilder s = new StringBuilder(v.scalar() ? "scalar " : "[");
    for (int i = 0; i < v.entries().length; i++) {
      s.append(i > 0 ? ", " : "").append(v.entries()[i] == BATCH ? "N" : v.entries()[i]);
    }
    return v.scalar() ? s.toString() : s.append(']').toString();
  }

  private static UnsupportedOperatorException unsupported(OnnxNode node, String detail) {
    return new UnsupportedOperatorException("node " + node.describe() + ": " + detail);
  }
}
