package dev.quantgen.cli.conformance;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.FloatType;
import dev.quantgen.runtime.numerics.Half;
import dev.quantgen.runtime.numerics.IntTensor;
import dev.quantgen.runtime.numerics.QuantType;
import dev.quantgen.runtime.numerics.Shape;
import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads one case file in the JSON format of {@code shared/conformance/onnx/README.md}: dtype, dims
 * and flat row-major values per tensor; for floats the optional {@code bits} (IEEE patterns) give
 * the exact values and must agree with {@code values}.
 *
 * <p>Every defect is a {@link CaseFormatException} whose message names the field: a missing field,
 * a wrong JSON type, a value count that is not the product of the dims, an integer outside its
 * dtype's range, bits that disagree with the values. An unknown dtype is an {@link
 * UnsupportedCaseException}.
 */
public final class CaseReader {
  private CaseReader() {}

  public static ConformanceCase read(Path file)
      throws IOException, CaseFormatException, UnsupportedCaseException {
    JsonElement root;
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      root = JsonParser.parseReader(r);
    } catch (JsonParseException e) {
      throw new CaseFormatException("not valid JSON: " + rootCause(e).getMessage());
    }
    if (!root.isJsonObject()) {
      throw new CaseFormatException("top level: expected a JSON object, got " + kind(root));
    }
    JsonObject o = root.getAsJsonObject();
    String testName = string(o, "test_name", "");
    String opType = string(o, "op_type", "");
    JsonElement attrs = o.get("attributes");
    if (attrs != null && !attrs.isJsonObject()) {
      throw new CaseFormatException("attributes: expected an object, got " + kind(attrs));
    }
    CaseAttributes attributes =
        new CaseAttributes(attrs == null ? new JsonObject() : attrs.getAsJsonObject());
    List<TensorValue> inputs = new ArrayList<>();
    JsonArray in = array(o, "inputs", "");
    for (int i = 0; i < in.size(); i++) {
      String path = "inputs[" + i + "]";
      JsonObject t = object(in.get(i), path);
      int slot = slot(t, "node_input", path);
      while (inputs.size() <= slot) {
        inputs.add(null);
      }
      if (inputs.get(slot) != null) {
        throw new CaseFormatException(path + ".node_input: slot " + slot + " is given twice");
      }
      inputs.set(slot, tensor(t, path));
    }
    List<ConformanceCase.NamedOutput> outputs = new ArrayList<>();
    JsonArray out = array(o, "outputs", "");
    if (out.isEmpty()) {
      throw new CaseFormatException("outputs: expected at least one expected output, got []");
    }
    for (int i = 0; i < out.size(); i++) {
      String path = "outputs[" + i + "]";
      JsonObject t = object(out.get(i), path);
      outputs.add(
          new ConformanceCase.NamedOutput(
              string(t, "name", path + "."), slot(t, "node_output", path), tensor(t, path)));
    }
    return new ConformanceCase(testName, opType, attributes, inputs, outputs);
  }

  private static TensorValue tensor(JsonObject t, String path)
      throws CaseFormatException, UnsupportedCaseException {
    String dtype = string(t, "dtype", path + ".");
    JsonArray dimsJson = array(t, "dims", path + ".");
    int[] dims = new int[dimsJson.size()];
    for (int i = 0; i < dims.length; i++) {
      dims[i] = CaseAttributes.toInt(dimsJson.get(i), path + ".dims[" + i + "]");
      if (dims[i] < 0) {
        throw new CaseFormatException(
            path + ".dims[" + i + "]: " + dims[i] + " is negative, expected >= 0");
      }
    }
    Shape shape;
    try {
      shape = Shape.of(dims);
    } catch (IllegalArgumentException e) {
      throw new CaseFormatException(path + ".dims: " + e.getMessage());
    }
    JsonArray values = array(t, "values", path + ".");
    if (values.size() != shape.size()) {
      throw new CaseFormatException(
          path
              + ".values: "
              + values.size()
              + " values for dims "
              + Arrays.toString(dims)
              + ", expected "
              + shape.size());
    }
    switch (dtype) {
      case "float32":
        return new TensorValue.Floats(
            FloatTensor.of(shape, floats(t, values, FloatType.FLOAT32, path)));
      case "float16":
        return new TensorValue.Floats(
            FloatTensor.of(shape, FloatType.FLOAT16, floats(t, values, FloatType.FLOAT16, path)));
      default:
        QuantType type = quantType(dtype, path);
        int[] v = new int[values.size()];
        for (int i = 0; i < v.length; i++) {
          v[i] = integer(values.get(i), type, path + ".values[" + i + "]");
        }
        return new TensorValue.Ints(IntTensor.of(shape, type, v));
    }
  }

  private static QuantType quantType(String dtype, String path) throws UnsupportedCaseException {
    try {
      return QuantType.fromOnnxName(dtype);
    } catch (IllegalArgumentException e) {
      throw new UnsupportedCaseException(
          path
              + ".dtype: '"
              + dtype
              + "' is not supported, expected one of "
              + "float32, float16, int4, uint4, int8, uint8, int16, uint16, int32");
    }
  }

  private static int integer(JsonElement e, QuantType type, String field)
      throws CaseFormatException {
    if (!(e instanceof JsonPrimitive p) || !p.isNumber()) {
      throw new CaseFormatException(field + ": expected an integer, got " + e);
    }
    BigDecimal whole;
    try {
      whole = new BigDecimal(p.getAsString()).stripTrailingZeros();
    } catch (NumberFormatException | ArithmeticException overflow) {
      // An exponent beyond BigDecimal's int scale (say 1e-2147483648) is no integer of any dtype.
      throw new CaseFormatException(field + ": " + p.getAsString() + " is not an integer in range");
    }
    if (whole.scale() > 0) {
      throw new CaseFormatException(field + ": " + p.getAsString() + " is not an integer");
    }
    if (whole.compareTo(BigDecimal.valueOf(type.min())) < 0
        || whole.compareTo(BigDecimal.valueOf(type.max())) > 0) {
      throw new CaseFormatException(
          field
              + ": "
              + p.getAsString()
              + " is outside the "
              + type.onnxName()
              + " range "
              + type.min()
              + ".."
              + type.max());
    }
    return whole.intValueExact();
  }

  /**
   * The exact values: from {@code bits} when present (which must then agree with {@code values}),
   * else {@code values} parsed as double and narrowed (exact for the decimals the format writes).
   */
  private static float[] floats(JsonObject t, JsonArray values, FloatType type, String path)
      throws CaseFormatException {
    float[] v = new float[values.size()];
    for (int i = 0; i < v.length; i++) {
      JsonElement e = values.get(i);
      if (!(e instanceof JsonPrimitive p) || !p.isNumber()) {
        throw new CaseFormatException(path + ".values[" + i + "]: expected a number, got " + e);
      }
      v[i] = type.round((float) p.getAsDouble());
    }
    if (!t.has("bits")) {
      return v;
    }
    JsonArray bits = array(t, "bits", path + ".");
    if (bits.size() != v.length) {
      throw new CaseFormatException(
          path
              + ".bits: "
              + bits.size()
              + " patterns for "
              + v.length
              + " values, expected one per value");
    }
    int digits = type == FloatType.FLOAT16 ? 4 : 8;
    float[] exact = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      String field = path + ".bits[" + i + "]";
      JsonElement e = bits.get(i);
      if (!(e instanceof JsonPrimitive p)
          || !p.isString()
          || !p.getAsString().matches("0x[0-9a-fA-F]{" + digits + "}")) {
        throw new CaseFormatException(
            field
                + ": expected a string 0x followed by "
                + digits
                + " hex digits ("
                + type.onnxName()
                + "), got "
                + e);
      }
      int pattern = Integer.parseUnsignedInt(p.getAsString().substring(2), 16);
      exact[i] =
          type == FloatType.FLOAT16 ? Half.toFloat((short) pattern) : Float.intBitsToFloat(pattern);
      boolean agree =
          Float.compare(exact[i], v[i]) == 0 || (Float.isNaN(exact[i]) && Float.isNaN(v[i]));
      if (!agree) {
        throw new CaseFormatException(
            field
                + ": "
                + p.getAsString()
                + " is "
                + exact[i]
                + " but values["
                + i
                + "] is "
                + values.get(i)
                + ", expected the same number");
      }
    }
    return exact;
  }

  private static int slot(JsonObject t, String name, String path) throws CaseFormatException {
    JsonElement e = t.get(name);
    if (e == null) {
      throw new CaseFormatException(path + "." + name + ": missing");
    }
    int slot = CaseAttributes.toInt(e, path + "." + name);
    if (slot < 0 || slot > 64) {
      throw new CaseFormatException(path + "." + name + ": " + slot + ", expected a slot in 0..64");
    }
    return slot;
  }

  private static JsonObject object(JsonElement e, String path) throws CaseFormatException {
    if (!e.isJsonObject()) {
      throw new CaseFormatException(path + ": expected an object, got " + kind(e));
    }
    return e.getAsJsonObject();
  }

  private static String string(JsonObject o, String name, String prefix)
      throws CaseFormatException {
    JsonElement e = o.get(name);
    if (e == null) {
      throw new CaseFormatException(prefix + name + ": missing");
    }
    if (!(e instanceof JsonPrimitive p) || !p.isString()) {
      throw new CaseFormatException(prefix + name + ": expected a string, got " + kind(e));
    }
    return p.getAsString();
  }

  private static JsonArray array(JsonObject o, String name, String prefix)
      throws CaseFormatException {
    JsonElement e = o.get(name);
    if (e == null) {
      throw new CaseFormatException(prefix + name + ": missing");
    }
    if (!e.isJsonArray()) {
      throw new CaseFormatException(prefix + name + ": expected an array, got " + kind(e));
    }
    return e.getAsJsonArray();
  }

  private static String kind(JsonElement e) {
    if (e.isJsonObject()) {
      return "an object";
    }
    if (e.isJsonArray()) {
      return "an array";
    }
    if (e.isJsonNull()) {
      return "null";
    }
    return e.toString();
  }

  private static Throwable rootCause(Throwable t) {
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
