package dev.quantgen.onnx;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One node of an ONNX graph: operator type, name, input and output tensor names (an empty name is
 * an omitted optional input) and attributes by name.
 */
public record OnnxNode(String name, String opType, List<String> inputs, List<String> outputs,
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
    return attribute(attributeName).map(OnnxAttribute::asLong).orElse(defaultValue);
  }

  /** A FLOAT attribute, or {@code defaultValue} when absent. */
  public float floatAttribute(String attributeName, float defaultValue) {
    return attribute(attributeName).map(OnnxAttribute::asFloat).orElse(defaultValue);
  }

  /** A STRING attribute, or {@code defaultValue} when absent. */
  public String stringAttribute(String attributeName, String defaultValue) {
    return attribute(attributeName).map(OnnxAttribute::asString).orElse(defaultValue);
  }

  /** An INTS attribute, or null when absent. */
  public long[] longsAttribute(String attributeName) {
    return attribute(attributeName).map(OnnxAttribute::asLongs).orElse(null);
  }

  /** The input at {@code index}, or "" when it is absent or omitted. */
  public String input(int index) {
    return index < inputs.size() ? inputs.get(index) : "";
  }

  /** How the node is named in messages: {@code 'Convolution28' (Conv)}. */
  public String describe() {
    return "'" + (name.isEmpty() ? outputs.isEmpty() ? "?" : outputs.get(0) : name) + "' (" + opType + ")";
  }
}
