package dev.quantgen.cli.conformance;

import java.util.List;

/**
 * One parsed case: an operator, its attributes, its inputs by node slot (null where an optional
 * input is left out) and the outputs it must produce, by node slot.
 */
public record ConformanceCase(
    String testName,
    String opType,
    CaseAttributes attributes,
    List<TensorValue> inputs,
    List<NamedOutput> outputs) {

  /** An expected output: its name, its slot in the node's output list and its value. */
  public record NamedOutput(String name, int slot, TensorValue value) {}

  public ConformanceCase {
    inputs =
        java.util.Collections.unmodifiableList(new java.util.ArrayList<>(inputs)); // may hold nulls
    outputs = List.copyOf(outputs);
  }

  /** The input in node slot {@code slot}, or null when absent. */
  public TensorValue input(int slot) {
    return slot < inputs.size() ? inputs.get(slot) : null;
  }
}
