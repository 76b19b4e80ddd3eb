package dev.quantgen.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.quantgen.quantize.calibrate.LayerErrorReport;

/** The commands' JSON conventions: pretty-printed, no HTML escaping, non-finite numbers as null. */
final class JsonOutput {
  static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

  private JsonOutput() {}

  /**
   * A number, or null where JSON has no value: an exact match has an infinite SQNR, and JSON has no
   * infinity.
   */
  static com.google.gson.JsonElement number(double value) {
    return Double.isFinite(value) ? new JsonPrimitive(value) : JsonNull.INSTANCE;
  }

  /** One row of a per-layer error report; {@code sqnr_db} is null for an exact match. */
  static JsonObject row(LayerErrorReport.Row row) {
    JsonObject o = new JsonObject();
    o.addProperty("layer", row.layer());
    o.addProperty("precision", row.precision());
    o.add("sqnr_db", number(row.sqnrDb()));
    o.add("max_abs_error", number(row.maxAbsError()));
    o.addProperty("size_bytes", row.sizeBytes());
    return o;
  }
}
