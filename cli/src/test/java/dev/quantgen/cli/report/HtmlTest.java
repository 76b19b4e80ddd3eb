package dev.quantgen.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Formatting and axis ticks of the report. */
class HtmlTest {
  @Test
  void escapesTheFiveMarkupCharacters() {
    assertEquals("a&amp;b&lt;c&gt;d&quot;e&#39;f", Html.escape("a&b<c>d\"e'f"));
  }

  @Test
  void shortBytesUseRoundDecimalUnits() {
    assertEquals("500 B", Html.shortBytes(500));
    assertEquals("1 kB", Html.shortBytes(1_000));
    assertEquals("20 kB", Html.shortBytes(20_000));
    assertEquals("100 kB", Html.shortBytes(100_000), "trailing zeros before the point stay");
    assertEquals("1.5 MB", Html.shortBytes(1_500_000));
    assertEquals("941 kB", Html.shortBytes(940_584));
  }

  @Test
  void sizeTicksAreOneTwoFiveTimesPowersOfTen() {
    assertEquals(
        List.of(50_000.0, 100_000.0, 200_000.0, 500_000.0, 1_000_000.0),
        Charts.sizeTicks(Math.log10(34_032) - 0.2, Math.log10(940_584) + 0.2));
  }

  @Test
  void numbersIgnoreTheDefaultLocale() {
    assertEquals("1,234,567", Html.bytes(1_234_567));
    assertEquals("12.35", Html.db(12.345678));
    assertEquals("inf", Html.db(Double.POSITIVE_INFINITY));
    assertEquals("87.50%", Html.percent(0.875));
    assertEquals("p-int4", Html.precisionClass("int4 dynamic"));
  }
}
