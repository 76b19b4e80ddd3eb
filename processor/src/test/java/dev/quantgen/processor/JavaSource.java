package dev.quantgen.processor;

import com.google.testing.compile.JavaFileObjects;
import javax.tools.JavaFileObject;

/** A source file in any package, with the annotations imported. */
final class JavaSource {
  private JavaSource() {}

  static JavaFileObject of(String qualifiedName, String... lines) {
    String pkg = qualifiedName.substring(0, qualifiedName.lastIndexOf('.'));
    String[] all = new String[lines.length + 2];
    all[0] = "package " + pkg + ";";
    all[1] = "import dev.quantgen.annotations.*;";
    System.arraycopy(lines, 0, all, 2, lines.length);
    return JavaFileObjects.forSourceLines(qualifiedName, all);
  }
}
