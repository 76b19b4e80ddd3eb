package dev.quantgen.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quantgen.runtime.ptq.FloatModel;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The demo on the embedded data only: what a fresh clone without the dataset prints. */
class DemoTest {
  @Test
  void embeddedModelIsTheMlpOf784To10() throws Exception {
    FloatModel model = FashionData.model();
    assertEquals(3, model.size());
    assertEquals(784, model.inputSize());
    assertEquals(10, model.outputSize());
    assertEquals(2_000, FashionData.embeddedTestSubset().size());
  }

  @Test
  void demoPrintsOneRowPerPrecisionAndTheInt8LayerTable() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new Demo(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream()), 1, true)
        .run();
    String text = out.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("the embedded Fashion-MNIST test subset: images 0..499 calibrate, the other 1,500"), text);
    assertTrue(text.contains("kernels: quantgen runtime kernels"), text);
    for (String row : new String[] {"fp32 ", "fp16 ", "int8 static ", "int4 dynamic ", "binary weight-only "}) {
      assertTrue(text.contains("\n" + row), "row " + row + " in\n" + text);
    }
    assertTrue(text.contains("\nfc1 ") && text.contains("\nmodel (end to end) "), text);
    assertTrue(text.contains("940,584"), "FP32 size: 4 * (784*256 + 256 + 256*128 + 128 + 128*10 + 10) bytes\n" + text);
  }

  @Test
  void roundsMustBePositive() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Demo(System.out, System.err, 0, true));
    assertEquals("rounds: expected >= 1, got 0", e.getMessage());
  }
}
