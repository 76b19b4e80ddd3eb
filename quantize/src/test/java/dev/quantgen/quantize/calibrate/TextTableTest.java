package dev.quantgen.quantize.calibrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TextTableTest {
  @Test
  void alignsTextLeftAndNumbersRightWithoutTrailingSpaces() {
    String table =
        new TextTable()
            .column("precision", TextTable.Align.LEFT)
            .column("accuracy", TextTable.Align.RIGHT)
            .column("note", TextTable.Align.LEFT)
            .row("fp32", "0.8912", "")
            .row("int4", "0.88", "per-channel")
            .render();
    assertEquals(
        ""
            + "precision  accuracy  note\n"
            + "---------  --------  -----------\n"
            + "fp32         0.8912\n"
            + "int4           0.88  per-channel\n",
        table);
  }

  @Test
  void aRowMustHaveOneCellPerColumn() {
    TextTable table = new TextTable().column("a", TextTable.Align.LEFT);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> table.row("x", "y"));
    assertEquals("row [x, y] has 2 cells, expected 1 (one per column)", e.getMessage());
  }

  @Test
  void columnsComeBeforeRows() {
    TextTable table = new TextTable().column("a", TextTable.Align.LEFT).row("x");
    assertThrows(IllegalStateException.class, () -> table.column("b", TextTable.Align.LEFT));
  }
}
