package dev.quantgen.quantize.weights;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small strict JSON (RFC 8259) reader for file headers such as safetensors'. The runtime module
 * has no dependencies, so it cannot use a JSON library; headers are small and simple, so this
 * recursive-descent reader is enough. It is strict where laxness would hide corruption: no trailing
 * commas, no comments, no duplicate keys, no lone surrogates, nothing after the value; and it
 * limits nesting depth so hostile input cannot overflow the stack.
 *
 * <p>Values: {@code Map<String, Object>} (insertion order), {@code List<Object>}, {@code String},
 * {@code Long} (integers that fit), {@code Double} (other numbers), {@code Boolean}, and {@link
 * #NULL} for {@code null}.
 */
final class Json {
  /** The JSON {@code null} (a sentinel, so maps never hold Java nulls). */
  static final Object NULL =
      new Object() {
        @Override
        public String toString() {
          return "null";
        }
      };

  private static final int MAX_DEPTH = 64;

  private final String s;
  private final String where;
  private int pos;

  private Json(String s, String where) {
    this.s = s;
    this.where = where;
  }

  /**
   * Parses one JSON value that spans all of {@code text}.
   *
   * @param where names the text in messages (file and part)
   */
  static Object parse(String text, String where) throws WeightFormatException {
    Json p = new Json(text, where);
    Object v = p.value(0);
    p.skipSpace();
    if (p.pos != text.length()) {
      throw p.error("the end of the JSON text");
    }
    return v;
  }

  private Object value(int depth) throws WeightFormatException {
    if (depth > MAX_DEPTH) {
      throw error("at most " + MAX_DEPTH + " levels of nesting");
    }
    skipSpace();
    if (pos >= s.length()) {
      throw error("a value");
    }
    char c = s.charAt(pos);
    switch (c) {
      case '{':
        return object(depth);
      case '[':
        return array(depth);
      case '"':
        return string();
      case 't':
        return literal("true", true);
      case 'f':
        return literal("false", false);
      case 'n':
        return literal("null", NULL);
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          return number();
        }
        throw error("a value");
    }
  }

  private Map<String, Object> object(int depth) throws WeightFormatException {
    pos++; // '{'
    Map<String, Object> map = new LinkedHashMap<>();
    skipSpace();
    if (consume('}')) {
      return map;
    }
    do {
      skipSpace();
      if (pos >= s.length() || s.charAt(pos) != '"') {
        throw error("a string key");
      }
      int keyPos = pos;
      String key = string();
      skipSpace();
      if (!consume(':')) {
        throw error("':'");
      }
      if (map.put(key, value(depth + 1)) != null) {
        pos = keyPos;
        throw error("a key other than the duplicate \"" + key + "\"");
      }
      skipSpace();
    } while (consume(','));
    if (!consume('}')) {
      throw error("',' or '}'");
    }
    return Collections.unmodifiableMap(map);
  }

  private List<Object> array(int depth) throws WeightFormatException {
    pos++; // '['
    List<Object> list = new ArrayList<>();
    skipSpace();
    if (consume(']')) {
      return list;
    }
    do {
      list.add(value(depth + 1));
      skipSpace();
    } while (consume(','));
    if (!consume(']')) {
      throw error("',' or ']'");
    }
    return Collections.unmodifiableList(list);
  }

  private String string() throws WeightFormatException {
    pos++; // opening quote
    StringBuilder out = new StringBuilder();
    while (true) {
      if (pos >= s.length()) {
        throw error("a closing '\"'");
      }
      char c = s.charAt(pos++);
      if (c == '"') {
        break;
      }
      if (c < 0x20) {
        pos--;
        throw error(
            "an escaped control character (\\u"
                + String.format("%04x", (int) c)
                + " must be escaped)");
      }
      if (c != '\\') {
        out.append(c);
        continue;
      }
      if (pos >= s.length()) {
        throw error("an escape character");
      }
      char e = s.charAt(pos++);
      switch (e) {
        case '"', '\\', '/' -> out.append(e);
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'u' -> out.append(hex4());
        default -> {
          pos--;
          throw error("one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX");
        }
      }
    }
    String result = out.toString();
    for (int i = 0; i < result.length(); i++) { // every surrogate must be half of a pair
      char c = result.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < result.length()
          && Character.isLowSurrogate(result.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw error("no unpaired surrogate in the string before this point");
      }
    }
    return result;
  }

  private char hex4() throws WeightFormatException {
    if (pos + 4 > s.length()) {
      throw error("4 hex digits");
    }
    int v = 0;
    for (int i = 0; i < 4; i++) {
      int d = Character.digit(s.charAt(pos), 16);
      if (d < 0 || s.charAt(pos) > 'f') { // Character.digit also accepts non-ASCII digits
        throw error("a hex digit");
      }
      v = v << 4 | d;
      pos++;
    }
    return (char) v;
  }

  private Object number() throws WeightFormatException {
    int start = pos;
    consume('-');
    if (consume('0')) {
      // a leading zero stands alone
    } else if (!digits()) {
      throw error("a digit");
    }
    boolean integer = true;
    if (consume('.')) {
      integer = false;
      if (!digits()) {
        throw error("a digit after '.'");
      }
    }
    if (pos < s.length() && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
      integer = false;
      pos++;
      if (!consume('+')) {
        consume('-');
      }
      if (!digits()) {
        throw error("a digit in the exponent");
      }
    }
    String text = s.substring(start, pos);
    if (integer && text.length() <= 18) {
      return Long.parseLong(text); // at most 18 characters: always fits a long
    }
    if (integer) {
      try {
        return Long.parseLong(text);
      } catch (NumberFormatException e) {
        return Double.parseDouble(
            text); // beyond the long range: callers that need an integer reject it
      }
    }
    return Double.parseDouble(text);
  }

  private boolean digits() {
    int start = pos;
    while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
      pos++;
    }
    return pos > start;
  }

  private Object literal(String word, Object value) throws WeightFormatException {
    if (!s.startsWith(word, pos)) {
      throw error("'" + word + "'");
    }
    pos += word.length();
    return value;
  }

  private boolean consume(char c) {
    if (pos < s.length() && s.charAt(pos) == c) {
      pos++;
      return true;
    }
    return false;
  }

  private void skipSpace() {
    while (pos < s.length()) {
      char c = s.charAt(pos);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      pos++;
    }
  }

  private WeightFormatException error(String expected) {
    String found =
        pos >= s.length()
            ? "the end of the text"
            : "'"
                + s.substring(pos, Math.min(s.length(), pos + 20)).replaceAll("[\\p{Cntrl}]", "?")
                + "'";
    return new WeightFormatException(
        where + ": invalid JSON at offset " + pos + ": expected " + expected + ", found " + found);
  }
}
