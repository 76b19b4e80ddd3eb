package dev.quantgen.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The one gate from model text to Java source: identifiers, unique names, documentation, string
 * literals.
 */
class JavaNamesTest {
  @Test
  void typeNamesAreAsciiIdentifiersStartingWithAnUppercaseLetter() {
    assertEquals("Conv_1", JavaNames.typeName("conv_1", "Layer1", "Layer"));
    assertEquals("Convolution28", JavaNames.typeName("Convolution28", "Layer1", "Layer"));
    assertEquals("Layer1conv", JavaNames.typeName("1conv", "Layer1", "Layer"));
    assertEquals("Layer_x", JavaNames.typeName("_x", "Layer1", "Layer"));
    assertEquals("Layer_mega", JavaNames.typeName("\u03a9mega", "Layer1", "Layer"));
    assertEquals(
        "Layer4",
        JavaNames.typeName("\u5377\u79ef", "Layer4", "Layer"),
        "no letter or digit: the fallback");
    assertEquals("Layer4", JavaNames.typeName("", "Layer4", "Layer"));
    assertEquals("Layer4", JavaNames.typeName("___", "Layer4", "Layer"));
    assertEquals("A__b", JavaNames.typeName("a*/b", "Layer1", "Layer"));
    assertEquals("Layer_u002a_u002f", JavaNames.typeName("\\u002a\\u002f", "Layer1", "Layer"));
    assertEquals(
        "A_b",
        JavaNames.typeName("a\uD83D\uDE00b", "Layer1", "Layer"),
        "a surrogate pair is one character");
    assertEquals(
        JavaNames.MAX_LENGTH, JavaNames.typeName("y".repeat(10_000), "Layer1", "Layer").length());
  }

  @Test
  void reservedNamesGetAWordAppended() {
    assertEquals("MathLayer", JavaNames.typeName("Math", "Layer1", "Layer"));
    assertEquals("MathLayer", JavaNames.typeName("math", "Layer1", "Layer"));
    assertEquals("MATHLayer", JavaNames.typeName("MATH", "Layer1", "Layer"), "ignoring case");
    assertEquals("ClassLayer", JavaNames.typeName("class", "Layer1", "Layer"));
    assertEquals("SystemModel", JavaNames.typeName("System", "OnnxModel", "Model"));
    assertEquals("ConLayer", JavaNames.typeName("con", "Layer1", "Layer"), "a Windows device name");
    assertEquals(
        "QuantizeLayer",
        JavaNames.typeName("Quantize", "Layer1", "Layer"),
        "an imported annotation");
    assertEquals("M".repeat(64), JavaNames.typeName("M".repeat(100), "Layer1", "Layer"));
  }

  @Test
  void namesEqualButForCaseOrEqualToACompanionAreRenamedInOrder() {
    assertEquals(
        List.of("Fc", "Fc_2", "FC_3"), JavaNames.typeNames(List.of("fc", "Fc", "FC"), "Net"));
    assertEquals(List.of("Fc", "Fc_Int8_2"), JavaNames.typeNames(List.of("Fc", "Fc_Int8"), "Net"));
    assertEquals(List.of("Fc_Int8", "Fc_2"), JavaNames.typeNames(List.of("Fc_Int8", "Fc"), "Net"));
    assertEquals(
        List.of("Net_2", "NetWeights_2", "NET_MODEL_2"),
        JavaNames.typeNames(List.of("net", "netWeights", "NET_MODEL"), "Net"),
        "the model's names are taken first");
    assertEquals(List.of("Fc_2", "Fc_3"), JavaNames.typeNames(List.of("Fc_2", "Fc"), "Fc"));
    assertEquals(List.of("Layer1", "Layer1_2"), JavaNames.typeNames(List.of("", "Layer1"), "Net"));
    String longName = "z".repeat(200);
    List<String> cut =
        JavaNames.typeNames(List.of(longName, longName + "a", longName + "b"), "Net");
    assertEquals(3, new HashSet<>(cut).size(), cut::toString);
    cut.forEach(n -> assertTrue(n.length() <= JavaNames.MAX_LENGTH, n));
  }

  @Test
  void randomNamesNeverCollideWithEachOtherOrAnyDerivedClassIgnoringCase() {
    Random random = new Random(19);
    String alphabet = "fFcC_1$*/\\u\u03a9 ";
    for (int trial = 0; trial < 500; trial++) {
      List<String> raw = new ArrayList<>();
      for (int k = random.nextInt(12); k >= 0; k--) {
        StringBuilder b = new StringBuilder();
        for (int n = random.nextInt(6); n > 0; n--) {
          b.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        raw.add(b.toString());
      }
      String model = JavaNames.typeName(raw.get(0), "OnnxModel", "Model");
      List<String> names = JavaNames.typeNames(raw, model);
      Set<String> all = new HashSet<>();
      for (String suffix : JavaNames.MODEL_COMPANIONS) {
        assertTrue(all.add((model + suffix).toLowerCase(Locale.ROOT)));
      }
      assertTrue(all.add(model.toLowerCase(Locale.ROOT)));
      for (String name : names) {
        assertTrue(
            name.matches("[A-Z][A-Za-z0-9_]*") && name.length() <= JavaNames.MAX_LENGTH, name);
        assertFalse(JavaNames.reserved(name), name);
        assertTrue(
            all.add(name.toLowerCase(Locale.ROOT)),
            () -> name + " repeats for " + raw + " model " + model);
        for (String suffix : JavaNames.LAYER_COMPANIONS) {
          assertTrue(
              all.add((name + suffix).toLowerCase(Locale.ROOT)),
              () -> name + suffix + " repeats for " + raw);
        }
      }
    }
  }

  @Test
  void modelNamesMustBeSafeIdentifiers() {
    assertEquals(Optional.empty(), JavaNames.typeNameProblem("Mnist8"));
    assertEquals(Optional.empty(), JavaNames.typeNameProblem("digits"));
    for (String bad :
        List.of(
            "Math",
            "math",
            "String",
            "Object",
            "Thread",
            "Dense",
            "class",
            "_",
            "2Fast",
            "a-b",
            "a.b",
            "\u03a9",
            "a$b",
            "",
            "Con",
            "M".repeat(65))) {
      assertTrue(JavaNames.typeNameProblem(bad).isPresent(), bad);
    }
  }

  @Test
  void packagesMustBeAsciiIdentifiersWithoutKeywordsOutsideTheJdkAndQuantgen() {
    for (String good : List.of("p", "com.example.model", "dev.quantgen.examples.mnist", "a_b.c1")) {
      assertEquals(Optional.empty(), JavaNames.packageNameProblem(good), good);
    }
    assertEquals(
        Optional.of(
            "packages under java. belong to the JDK, expected your own package such as "
                + "com.example.model"),
        JavaNames.packageNameProblem("java.lang"));
    assertEquals(
        Optional.of(
            "\"class\" is a Java keyword, expected a package name such as com.example.model"),
        JavaNames.packageNameProblem("p.class"));
    for (String bad :
        List.of(
            "javax.swing",
            "jdk.internal",
            "java",
            "com.2bad",
            "a..b",
            "p.",
            ".p",
            "",
            "p.\u03a9",
            "p.a$b",
            "p.true",
            "p.var",
            "dev.quantgen.runtime",
            "dev.quantgen.runtime.layer",
            "a b",
            "p/q")) {
      assertTrue(JavaNames.packageNameProblem(bad).isPresent(), bad);
    }
  }

  @Test
  void documentationTextKeepsOnlyCharactersThatCannotEndACommentOrFormATag() {
    assertEquals("mnist-8.onnx", JavaNames.docText("mnist-8.onnx"));
    assertEquals("%2A%2F", JavaNames.docText("*/"));
    assertEquals("%5Cu002a%5Cu002f", JavaNames.docText("\\u002a\\u002f"));
    assertEquals(
        "%40deprecated %3Cb%3E%26amp; %7B%40code x%7D %25",
        JavaNames.docText("@deprecated <b>&amp; {@code x} %"));
    assertEquals("%CE%A9 %F0%9F%98%80%0A", JavaNames.docText("\u03a9 \uD83D\uDE00\n"));
    assertEquals("a".repeat(200) + "...", JavaNames.docText("a".repeat(500)));
    Random random = new Random(7);
    for (int i = 0; i < 1000; i++) {
      StringBuilder b = new StringBuilder();
      for (int n = 0; n < 20; n++) {
        b.append((char) random.nextInt(0x3000));
      }
      assertTrue(JavaNames.docText(b.toString()).matches("[A-Za-z0-9 _.,:;=+#()\\[\\]%-]*"));
    }
  }

  @Test
  void stringLiteralsEscapeEverythingThatCouldEndThemEarly() {
    assertEquals("\"fc1.weight\"", JavaNames.stringLiteral("fc1.weight"));
    assertEquals(
        "\"a\\\"b\\\\c\\012\\015\\000\\u2028\\u00e9\\ud83d\\ude00\"",
        JavaNames.stringLiteral("a\"b\\c\n\r\0\u2028\u00e9\uD83D\uDE00"));
    assertEquals(
        "\"\\\\u0022\"",
        JavaNames.stringLiteral("\\u0022"),
        "the backslash is doubled: no escape forms");
  }

  @Test
  void theJavaLangListHasEveryPublicJavaLangTypeOfThisJdk() throws IOException {
    FileSystem jrt = FileSystems.getFileSystem(URI.create("jrt:/"));
    Set<String> missing = new TreeSet<>();
    try (Stream<Path> files = Files.list(jrt.getPath("/modules/java.base/java/lang"))) {
      for (Path p : (Iterable<Path>) files::iterator) {
        String file = p.getFileName().toString();
        if (file.endsWith(".class") && !file.contains("$") && !file.contains("-")) {
          String name = file.substring(0, file.length() - ".class".length());
          try {
            if (Modifier.isPublic(Class.forName("java.lang." + name, false, null).getModifiers())
                && !JavaNames.JAVA_LANG_TYPES.contains(name)) {
              missing.add(name);
            }
          } catch (ClassNotFoundException | LinkageError e) {
            // not loadable by name: not usable from generated code either
          }
        }
      }
    }
    assertEquals(
        Set.of(),
        missing,
        "java.lang types of JDK " + Runtime.version() + " missing from the list");
  }
}
