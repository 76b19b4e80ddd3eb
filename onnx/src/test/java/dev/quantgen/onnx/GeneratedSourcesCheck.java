package dev.quantgen.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.palantir.javapoet.JavaFile;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.JavacTask;
import com.sun.source.util.TreeScanner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;

/**
 * Checks generated sources the way javac reads them (unicode escapes decoded, comments dropped):
 * each file parses, declares exactly one top-level type of the expected name, and nothing that
 * could run code: no nested type, no initializer block, no method but the weight binding's private
 * constructor, no field but its {@code INITIALIZERS}. An injected declaration would show up here,
 * whatever trick hid it from a text search.
 */
final class GeneratedSourcesCheck {
  private static final Pattern TYPE_NAME = Pattern.compile("[A-Z][A-Za-z0-9_]{0,63}");

  private GeneratedSourcesCheck() {}

  /**
   * The weight binding's initializer is {@code Map.ofEntries(Map.entry("L", List.of("w", "b")),
   * ...)}, nothing else.
   */
  private static void assertOnlyCallsAndStrings(Tree initializer) {
    Set<String> names = Set.of("Map", "List", "ofEntries", "entry", "of");
    new TreeScanner<Void, Void>() {
      @Override
      public Void scan(Tree tree, Void unused) {
        if (tree != null) {
          Tree.Kind kind = tree.getKind();
          assertTrue(
              kind == Tree.Kind.METHOD_INVOCATION
                  || kind == Tree.Kind.MEMBER_SELECT
                  || kind == Tree.Kind.IDENTIFIER
                  || kind == Tree.Kind.STRING_LITERAL,
              () -> "INITIALIZERS has " + tree);
          if (tree instanceof IdentifierTree id) {
            assertTrue(names.contains(id.getName().toString()), () -> "INITIALIZERS names " + id);
          }
          if (tree instanceof MemberSelectTree select) {
            assertTrue(
                names.contains(select.getIdentifier().toString()),
                () -> "INITIALIZERS names " + select);
          }
        }
        return super.scan(tree, null);
      }
    }.scan(initializer, null);
  }

  /** Asserts the structure above; {@code expected} are the type names, in generation order. */
  static void assertOnly(List<JavaFile> files, List<String> expected) {
    List<String> declared = new ArrayList<>();
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    List<JavaFileObject> sources = new ArrayList<>();
    for (JavaFile f : files) {
      String text = f.toString();
      sources.add(
          new SimpleJavaFileObject(
              URI.create("string:///" + f.typeSpec().name() + ".java"),
              JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
              return text;
            }
          });
    }
    JavacTask task =
        (JavacTask) javac.getTask(null, null, diagnostics, List.of("-proc:none"), null, sources);
    Iterable<? extends CompilationUnitTree> units;
    try {
      units = task.parse();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertEquals(List.of(), diagnostics.getDiagnostics(), "the generated sources parse");
    for (CompilationUnitTree unit : units) {
      assertEquals(
          1, unit.getTypeDecls().size(), () -> "one type in " + unit.getSourceFile().getName());
      ClassTree type = (ClassTree) unit.getTypeDecls().get(0);
      String name = type.getSimpleName().toString();
      declared.add(name);
      for (Tree member : type.getMembers()) {
        if (member instanceof MethodTree m) {
          assertTrue(
              m.getName().contentEquals("<init>") && m.getBody().getStatements().isEmpty(),
              () -> name + " declares method " + m.getName());
        } else if (member instanceof VariableTree v) {
          assertEquals("INITIALIZERS", v.getName().toString(), name + " declares a field");
          assertOnlyCallsAndStrings(v.getInitializer());
        } else {
          throw new AssertionError(name + " declares a " + member.getKind() + ": " + member);
        }
      }
    }
    assertEquals(expected, declared, "the generated types");
    Set<String> seen = new HashSet<>();
    for (String name : declared) {
      assertTrue(TYPE_NAME.matcher(name).matches(), () -> "not a sanitized identifier: " + name);
      assertTrue(
          seen.add(name.toLowerCase(Locale.ROOT)),
          () -> "two types named " + name + " ignoring case");
    }
  }
}
