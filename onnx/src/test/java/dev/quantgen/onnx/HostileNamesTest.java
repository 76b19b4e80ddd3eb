package dev.quantgen.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.palantir.javapoet.JavaFile;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Node names are attacker-chosen text. Whatever they hold (comment terminators, unicode escapes
 * javac decodes inside comments, a class named like {@code java.lang.Math}, keywords, non-ASCII,
 * nothing at all, names equal but for case, the model's own name), the generated sources declare
 * exactly the expected types and nothing else.
 */
class HostileNamesTest {
  /** The node names of {@link #hostileModel}, one MatMul layer each. */
  static final List<String> HOSTILE =
      List.of(
          "fc",
          "Fc",
          "*/ static { System.setProperty(\"quantgen.pwned\", \"1\"); } /*",
          "\\u002a\\u002f class Evil { static { System.exit(3); } } /\\u002a",
          "Math */ final class Math { static { System.setProperty(\"quantgen.pwned\", \"math\"); } } /**",
          "Math",
          "\u03a9mega \u5377\u79ef",
          "",
          "class",
          "1conv",
          "Net",
          "net_Model",
          "NetWeights",
          "Fc_Int8",
          "con",
          "@deprecated <script>&amp;{@code x}",
          "x".repeat(300));

  /** The class names they get, with model name {@code Net}. */
  static final List<String> EXPECTED =
      List.of(
          "Fc",
          "Fc_2",
          "Layer___static___System_setProperty__quantgen_pwned____1________",
          "Layer_u002a_u002f_class_Evil___static___System_exit_3_________u0",
          "Math____final_class_Math___static___System_setProperty__quantgen",
          "MathLayer",
          "Layer_mega___",
          "MatMul7",
          "ClassLayer",
          "Layer_1conv",
          "Net_2",
          "Net_Model_2",
          "NetWeights_2",
          "Fc_Int8_2",
          "ConLayer",
          "Layer_deprecated__script__amp___code_x_",
          "X" + "x".repeat(63));

  @Test
  void hostileNodeNamesGiveExactlyTheExpectedTypesAndNothingElse() throws OnnxFormatException {
    LoweredModel model =
        GraphLowering.lower(OnnxModel.parse(hostileModel(HOSTILE), "evil\\*/.onnx"));
    List<JavaFile> files = SourceGenerator.generate(model, "com.example.net", "Net");
    List<String> expected = new ArrayList<>(EXPECTED);
    expected.add("Net");
    expected.add("NetWeights");
    GeneratedSourcesCheck.assertOnly(files, expected);
    for (JavaFile file : files) {
      String text = file.toString();
      // javac decodes a backslash-u that follows an even number of backslashes, anywhere in the
      // file;
      // the only ones allowed are non-ASCII characters inside the weight binding's string literals
      assertFalse(
          Pattern.compile("(?<!\\\\)(\\\\\\\\)*\\\\u+00[0-7]").matcher(text).find(),
          () -> "a unicode escape of an ASCII character in " + text);
      if (!file.typeSpec()
          .name()
          .equals("NetWeights")) { // its string literals hold the initializer names' */
        assertEquals(
            1,
            text.split("\\*/", -1).length - 1,
            () -> "one comment end, the Javadoc's own, in " + text);
      }
    }
  }

  @Test
  void nodeNamesAppearInTheJavadocEscaped() throws OnnxFormatException {
    LoweredModel model = GraphLowering.lower(OnnxModel.parse(hostileModel(HOSTILE), "evil.onnx"));
    String third = SourceGenerator.generate(model, "p", "Net").get(2).toString();
    assertTrue(
        third.contains(
            "from ONNX nodes %2A%2F static %7B System.setProperty(%22quantgen.pwned%22, %221%22); "
                + "%7D %2F%2A."),
        third);
  }

  @Test
  void aModelNamedLikeAJdkTypeOrWithAnInvalidNameIsRejected() throws OnnxFormatException {
    LoweredModel model =
        GraphLowering.lower(OnnxModel.parse(hostileModel(List.of("fc")), "m.onnx"));
    for (String name : List.of("Math", "String", "class", "2Fast", "a-b", "Dense", "")) {
      assertThrows(
          IllegalArgumentException.class, () -> SourceGenerator.generate(model, "p", name), name);
    }
    for (String pkg :
        List.of(
            "java.lang",
            "p.class",
            "com.2bad",
            "javax.x",
            "jdk.internal",
            "dev.quantgen.runtime",
            "a..b",
            "")) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> SourceGenerator.generate(model, pkg, "Net"),
              pkg);
      assertTrue(e.getMessage().startsWith("package \"" + pkg + "\": "), e::getMessage);
    }
  }

  /**
   * A chain of 4x4 MatMul layers named {@code names}, with initializer names as hostile as the
   * nodes.
   */
  static byte[] hostileModel(List<String> names) {
    Graphs g = new Graphs(19).input("x", 1, 4);
    String current = "x";
    for (int k = 0; k < names.size(); k++) {
      String weight = "w" + k + "\"); static { } //\\u0022\n\u2028*/";
      g.randomFloats(weight, 0.5, 0, 4, 4);
      String out = k == names.size() - 1 ? "y" : "h" + k;
      g.node("MatMul", names.get(k), List.of(current, weight), out);
      current = out;
    }
    return g.output("y", 1, 4).toBytes(13);
  }
}
