package dev.quantgen.onnx;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One node of an ONNX graph: operator type, name, input and output tensor names (an empty name is
 * an omitted optional input) and attributes by name.
 */
public record OnnxNode(
    String name,
    String opType,
    List<String> inputs,
    List<String> outputs,
    Map<String, OnnxAttribute> attributes) {
  public OnnxNode {
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    attributes = Map.copyOf(attributes);
  }

  public Optional<OnnxAttribute> attribute(String attributeName) {
    return Optional.ofNullable(attributes.get(attributeName));
  }

  /** An INT attribute, or {@code defaultValue} when absent. */
  public long longAttribute(String attributeName, long defaultValue) {
    return typed(attributeName, a -> a.asLong(), defaultValue);
  }

  /** A FLOAT attribute, or {@code defaultValue} when absent. */
  public float floatAttribute(String attributeName, float defaultValue) {
    return typed(attributeName, a -> a.asFloat(), defaultValue);
  }

  /** A STRING attribute, or {@code defaultValue} when absent. */
  public String stringAttribute(String attributeName, String defaultValue) {
    return typed(attributeName, a -> a.asString(), defaultValue);
  }

  /** An INTS attribute, or null when absent. */
  public long[] longsAttribute(String attributeName) {
    return typed(attributeName, a -> a.asLongs(), null);
  }

  /**
   * An INT attribute that must be an int of at least {@code min}, or {@code defaultValue} when
   * absent. The value is range-checked as a long before it is narrowed, so 2^32 + 1 is rejected
   * instead of becoming 1.
   *
   * @throws UnsupportedOperatorException naming the node and the attribute when out of range
   */
  public int intAttribute(String attributeName, int defaultValue, int min) {
    long v = longAttribute(attributeName, defaultValue);
    if (v < min || v > Integer.MAX_VALUE) {
      throw new UnsupportedOperatorException(
          "node "
              + describe()
              + ": attribute "
              + attributeName
              + " = "
              + v
              + ": expected "
              + min
              + ".."
              + Integer.MAX_VALUE);
    }
    return (int) v;
  }

  /**
   * An INTS attribute whose every element must be an int of at least {@code min}, or null when
   * absent; range-checked as longs before narrowing.
   *
   * @throws UnsupportedOperatorException naming the node, the attribute and the element
   */
  public int[] intsAttribute(String attributeName, int min) {
    long[] v = longsAttribute(attributeName);
    if (v == null) {
      return null;
    }
    int[] r = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      if (v[i] < min || v[i] > Integer.MAX_VALUE) {
        throw new UnsupportedOperatorException(
            "node "
                + describe()
                + ": attribute "
                + attributeName
                + " "
                + java.util.Arrays.toString(v)
                + ": element "
                + i
                + " is "
                + v[i]
                + ", expected "
                + min
                + ".."
                + Integer.MAX_VALUE);
      }
      r[i] = (int) v[i];
    }
    return r;
  }

  /**
   * An attribute of the expected kind; a wrong kind is an error naming this node and the attribute.
   */
  private <T> T typed(
      String attributeName, java.util.function.Function<OnnxAttribute, T> getter, T defaultValue) {
    OnnxAttribute a = attributes.get(attributeName);
    if (a == null) {
      return defaultValue;
    }
    try {
      return getter.apply(a);
    } catch (IllegalArgumentException e) {
      throw new UnsupportedOperatorException("node " + describe() + ": " + e.getMessage());
    }
  }

  /** The input at {@code index}, or "" when it is absent or omitted. */
  public String input(int index) {
    return index < inputs.size() ? inputs.get(index) : "";
  }

  /** How the node is named in messages: {@code 'Convolution28' (Conv)}. */
  public String describe() {
    return "'"
        + (name.isEmpty() ? outputs.isEmpty() ? "?" : outputs.get(0) : name)
        + "' ("
        + opType
        + ")";
  }
}
