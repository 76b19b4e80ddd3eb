package dev.quantgen.quantize.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTest {
  private static Object parse(String s) throws WeightFormatException {
    return Json.parse(s, "test");
  }

  @Test
  void parsesEveryKindOfValue() throws WeightFormatException {
    Object v =
        parse(
            " {\"a\": [1, -2, 3.5, -0.25e2, 1E+2], \"b\": {\"c\": true, \"d\": false, \"e\": null},"
                + " \"s\": \"q\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\"} ");
    Map<?, ?> m = (Map<?, ?>) v;
    assertEquals(List.of(1L, -2L, 3.5, -25.0, 100.0), m.get("a"));
    Map<?, ?> b = (Map<?, ?>) m.get("b");
    assertEquals(true, b.get("c"));
    assertEquals(false, b.get("d"));
    assertEquals(Json.NULL, b.get("e"));
    assertEquals("q\"\\/\b\f\n\r\té😀", m.get("s"));
    assertEquals(List.of("a", "b", "s"), List.copyOf(m.keySet()), "keys keep their order");
  }

  @Test
  void integersBeyondLongBecomeDoublesSoCallersRejectThem() throws WeightFormatException {
    assertEquals(Long.MAX_VALUE, parse("9223372036854775807"));
    assertEquals(Long.MIN_VALUE, parse("-9223372036854775808"));
    assertEquals(1.8446744073709552E19, parse("18446744073709551615"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        " ",
        "{",
        "}",
        "[1,]",
        "{\"a\":1,}",
        "{\"a\" 1}",
        "{a:1}",
        "{\"a\":1 \"b\":2}",
        "01",
        "-",
        "1.",
        ".5",
        "1e",
        "+1",
        "tru",
        "nul",
        "'a'",
        "\"abc",
        "\"\\x\"",
        "\"\\u12g4\"",
        "\"\\ud800\"",
        "\"\\udc00\\ud800\"",
        "\"tab\there\"",
        "[1] [2]",
        "{\"a\":1,\"a\":2}",
        "NaN",
        "Infinity",
        "// comment\n1",
        "\"\\u0661\"x",
      })
  void rejectsEverythingTheGrammarDoesNot(String text) {
    WeightFormatException e = assertThrows(WeightFormatException.class, () -> parse(text));
    assertTrue(e.getMessage().startsWith("test: invalid JSON at offset "), e.getMessage());
  }

  @Test
  void duplicateKeyIsNamed() {
    WeightFormatException e =
        assertThrows(WeightFormatException.class, () -> parse("{\"w\":1,\"w\":2}"));
    assertTrue(e.getMessage().contains("duplicate \"w\""), e.getMessage());
  }

  @Test
  void deepNestingIsAnErrorNotAStackOverflow() {
    String deep = "[".repeat(100_000) + "]".repeat(100_000);
    WeightFormatException e = assertThrows(WeightFormatException.class, () -> parse(deep));
    assertTrue(e.getMessage().contains("at most 64 levels of nesting"), e.getMessage());
  }
}
