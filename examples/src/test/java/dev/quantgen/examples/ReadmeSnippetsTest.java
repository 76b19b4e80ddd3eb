package dev.quantgen.examples;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Your own model, step by step" compiles exactly as written: every ```java block of
 * steps 3 to 7 (statements with their imports, each step using what the earlier ones declared) is
 * put, in order, into one method of a class in the user's own package, with only the generated
 * {@code FashionMlp_Model} imported from the examples, as a user's project would have it; the
 * method's parameters are the inputs the text names but does not declare ({@code samples}, {@code
 * count}, {@code image}, {@code images}, {@code n}, {@code labels}). javac must accept it with no
 * error. Steps 1 and 2 declare types and a pom; the processor and the build are tested elsewhere
 * (the processor's tests, the Maven plugin's mnist-sample integration test).
 */
class ReadmeSnippetsTest {
  private static final Path README = Path.of("..", "README.md");

  @TempDir Path dir;

  @Test
  void stepsThreeToSevenCompileAsWrittenInAUsersPackage() throws IOException {
    List<String> blocks = statementBlocks(Files.readString(README, StandardCharsets.UTF_8));
    assertTrue(
        blocks.size() >= 5, "expected the java blocks of steps 3 to 7, found " + blocks.size());
    Set<String> imports = new LinkedHashSet<>();
    imports.add("import dev.quantgen.examples.mlp.FashionMlp_Model;");
    StringBuilder body = new StringBuilder();
    for (String block : blocks) {
      for (String line : block.split("\n", -1)) {
        if (line.startsWith("import ")) {
          imports.add(line.trim());
        } else {
          body.append("    ").append(line).append('\n');
        }
      }
    }
    String source =
        "package com.example.fashion;\n\n"
            + String.join("\n", imports)
            + "\n\n"
            + "final class ReadmeSteps {\n"
            + "  static void run(float[] samples, int count, float[] image, float[] images, int n, int[] labels)\n"
            + "      throws Exception {\n"
            + body
            + "  }\n}\n";
    Path file = dir.resolve("com/example/fashion/ReadmeSteps.java");
    Files.createDirectories(file.getParent());
    Files.writeString(file, source, StandardCharsets.UTF_8);

    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    StringWriter diagnostics = new StringWriter();
    boolean ok =
        javac
            .getTask(
                diagnostics,
                null,
                null,
                List.of(
                    "-proc:none",
                    "-d",
                    dir.resolve("classes").toString(),
                    "-classpath",
                    System.getProperty("java.class.path")),
                null,
                javac
                    .getStandardFileManager(null, null, StandardCharsets.UTF_8)
                    .getJavaFileObjects(file))
            .call();
    assertTrue(ok, "the README's steps do not compile as written:\n" + diagnostics + "\n" + source);
  }

  /** The ```java blocks after "**3." that declare no type: statements with their imports. */
  private static List<String> statementBlocks(String readme) {
    int from = readme.indexOf("**3. ");
    assertFalse(from < 0, "README: no step 3");
    List<String> blocks = new ArrayList<>();
    String text = readme.substring(from);
    int at = 0;
    while (true) {
      int open = text.indexOf("```java\n", at);
      if (open < 0) {
        return blocks;
      }
      int close = text.indexOf("\n```", open + 8);
      String block = text.substring(open + 8, close);
      if (!block.contains("class ") && !block.contains("interface ")) {
        blocks.add(block);
      }
      at = close + 4;
    }
  }
}
