package dev.quantgen.processor;

import com.sun.source.tree.AnnotationTree;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.TreePath;
import com.sun.source.util.Trees;
import dev.quantgen.processor.validation.AnnotationNames;
import dev.quantgen.processor.validation.AnnotationReader;
import java.util.List;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;

/**
 * Finds the source of a repeated {@code @Quantize}. javac wraps repeated annotations in a
 * synthesized container that has no source position, so {@code Messager} puts such diagnostics on
 * the class; this walks the class's annotation trees instead (the n-th {@code @Quantize} written is
 * the n-th in the container) and prints on the annotation or on its attribute.
 */
final class RepeatedAnnotationTrees {
  private RepeatedAnnotationTrees() {}

  /** Prints the diagnostic at its annotation's source position; false if that cannot be found. */
  static boolean print(Trees trees, Diagnostics d) {
    if (!(d.element() instanceof TypeElement type)) {
      return false;
    }
    List<AnnotationMirror> repeated =
        AnnotationReader.findRepeated(
            type, AnnotationNames.QUANTIZE, AnnotationNames.QUANTIZE_LIST);
    int index = repeated.indexOf(d.mirror());
    TreePath path = trees.getPath(type);
    if (index < 0 || path == null || !(path.getLeaf() instanceof ClassTree tree)) {
      return false;
    }
    int seen = 0;
    for (AnnotationTree annotation : tree.getModifiers().getAnnotations()) {
      String name = annotation.getAnnotationType().toString();
      if (!name.equals("Quantize") && !name.equals(AnnotationNames.QUANTIZE)) {
        continue;
      }
      if (seen++ == index) {
        Tree at = d.value() == null ? annotation : attribute(annotation, attributeName(d));
        trees.printMessage(
            d.message().kind(), d.text(), at == null ? annotation : at, path.getCompilationUnit());
        return true;
      }
    }
    return false;
  }

  private static String attributeName(Diagnostics d) {
    for (var e : d.mirror().getElementValues().entrySet()) {
      if (e.getValue() == d.value()) {
        ExecutableElement key = e.getKey();
        return key.getSimpleName().toString();
      }
    }
    return null;
  }

  private static Tree attribute(AnnotationTree annotation, String name) {
    for (ExpressionTree argument : annotation.getArguments()) {
      if (argument instanceof AssignmentTree assignment
          && assignment.getVariable() instanceof IdentifierTree id
          && id.getName().contentEquals(String.valueOf(name))) {
        return assignment;
      }
    }
    return null;
  }
}
