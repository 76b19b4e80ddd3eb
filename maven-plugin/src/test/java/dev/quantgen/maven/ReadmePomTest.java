package dev.quantgen.maven;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The README's step 2 pom is the pom of {@code examples/standalone-maven}, character for character
 * (indented two more spaces inside {@code <project>}); this module's build compiles that project
 * with Maven (the invoker's {@code standalone-maven} execution), so the snippet a user copies is
 * built in CI.
 */
class ReadmePomTest {
  private static final Path ROOT = Path.of("..");

  @Test
  void theStandaloneExamplesPomIsTheReadmesStepTwoSnippet() throws Exception {
    String readme = Files.readString(ROOT.resolve("README.md"), StandardCharsets.UTF_8);
    int step = readme.indexOf("**2. Build.**");
    assertTrue(step >= 0, "README: no \"**2. Build.**\"");
    int open = readme.indexOf("```xml\n", step) + "```xml\n".length();
    String snippet = readme.substring(open, readme.indexOf("```", open));
    String indented =
        snippet
            .lines()
            .map(l -> l.isEmpty() ? l : "  " + l)
            .collect(Collectors.joining("\n", "", "\n"));

    String pom =
        Files.readString(ROOT.resolve("examples/standalone-maven/pom.xml"), StandardCharsets.UTF_8);

    assertTrue(
        pom.contains(indented),
        () ->
            "examples/standalone-maven/pom.xml does not hold the README's step 2"
                + " snippet; copy it between <project>'s header and </project>:\n"
                + indented);
  }
}
