package dev.quantgen.cli.conformance;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.math.BigDecimal;
import java.util.Set;
import java.util.TreeSet;

/**
 * A case's {@code attributes} object (exactly as stored in the ONNX model, without defaults) with
 * typed getters. A value of the wrong JSON type is a {@link CaseFormatException} naming the field.
 */
public final class CaseAttributes {
  private final JsonObject json;

  CaseAttributes(JsonObject json) {
    this.json = json;
  }

  /**
   * Fails on any attribute outside {@code known}: silently ignoring one could hide a wrong result.
   */
  public void requireOnly(String opType, Set<String> known) throws UnsupportedCaseException {
    Set<String> unknown = new TreeSet<>(json.keySet());
    unknown.removeAll(known);
    if (!unknown.isEmpty()) {
      throw new UnsupportedCaseException(
          opType
              + ": unsupported attribute(s) "
              + unknown
              + ", supported: "
              + new TreeSet<>(known));
    }
  }

  public boolean has(String name) {
    return json.has(name);
  }

  public int getInt(String name, int defaultValue) throws CaseFormatException {
    JsonElement e = json.get(name);
    return e == null ? defaultValue : toInt(e, "attributes." + name);
  }

  /** An integer list, or null when absent. */
  public int[] getInts(String name) throws CaseFormatException {
    JsonElement e = json.get(name);
    if (e == null) {
      return null;
    }
    String field = "attributes." + name;
    if (!e.isJsonArray()) {
      throw new CaseFormatException(field + ": expected an array of integers, got " + e);
    }
    JsonArray a = e.getAsJsonArray();
    int[] r = new int[a.size()];
    for (int i = 0; i < r.length; i++) {
      r[i] = toInt(a.get(i), field + "[" + i + "]");
    }
    return r;
  }

  public String getString(String name, String defaultValue) throws CaseFormatException {
    JsonElement e = json.get(name);
    if (e == null) {
      return defaultValue;
    }
    if (!(e instanceof JsonPrimitive p) || !p.isString()) {
      throw new CaseFormatException("attributes." + name + ": expected a string, got " + e);
    }
    return p.getAsString();
  }

  static int toInt(JsonElement e, String field) throws CaseFormatException {
    if (!(e instanceof JsonPrimitive p) || !p.isNumber()) {
      throw new CaseFormatException(field + ": expected an integer, got " + e);
    }
    try {
      return new BigDecimal(p.getAsString()).intValueExact();
    } catch (ArithmeticException | NumberFormatException ex) {
      throw new CaseFormatException(
          field + ": expected an integer in the int32 range, got " + p.getAsString());
    }
  }
}
