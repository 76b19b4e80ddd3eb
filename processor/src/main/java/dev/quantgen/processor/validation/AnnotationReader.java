package dev.quantgen.processor.validation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Elements;

/**
 * Reads annotation attributes through {@link AnnotationMirror}s (not {@code getAnnotation}), so a
 * diagnostic can point at the exact attribute, and works the same for classes compiled from source
 * and read from class files.
 */
public final class AnnotationReader {
  private final Elements elements;

  public AnnotationReader(Elements elements) {
    this.elements = elements;
  }

  /** The annotation of the given type on an element, if present. */
  public static Optional<AnnotationMirror> find(Element element, String annotationType) {
    for (AnnotationMirror m : element.getAnnotationMirrors()) {
      if (typeName(m).equals(annotationType)) {
        return Optional.of(m);
      }
    }
    return Optional.empty();
  }

  /**
   * A repeatable annotation's instances in source order, whether written once (direct) or several
   * times (javac wraps them in the container).
   */
  public static List<AnnotationMirror> findRepeated(
      Element element, String annotationType, String containerType) {
    List<AnnotationMirror> result = new ArrayList<>();
    for (AnnotationMirror m : element.getAnnotationMirrors()) {
      String type = typeName(m);
      if (type.equals(annotationType)) {
        result.add(m);
      } else if (type.equals(containerType)) {
        for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> e :
            m.getElementValues().entrySet()) {
          if (e.getKey().getSimpleName().contentEquals("value")) {
            for (Object nested : (List<?>) e.getValue().getValue()) {
              result.add((AnnotationMirror) ((AnnotationValue) nested).getValue());
            }
          }
        }
      }
    }
    return result;
  }

  private static String typeName(AnnotationMirror m) {
    return ((TypeElement) m.getAnnotationType().asElement()).getQualifiedName().toString();
  }

  /** The value the user wrote for an attribute, or {@code null} if it takes its default. */
  public static AnnotationValue explicit(AnnotationMirror mirror, String name) {
    for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> e :
        mirror.getElementValues().entrySet()) {
      if (e.getKey().getSimpleName().contentEquals(name)) {
        return e.getValue();
      }
    }
    return null;
  }

  /** The value of an attribute, written or default. */
  public AnnotationValue value(AnnotationMirror mirror, String name) {
    for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> e :
        elements.getElementValuesWithDefaults(mirror).entrySet()) {
      if (e.getKey().getSimpleName().contentEquals(name)) {
        return e.getValue();
      }
    }
    throw new IllegalArgumentException("no attribute " + name + " on " + mirror);
  }

  /** An {@code int} attribute. */
  public int intValue(AnnotationMirror mirror, String name) {
    return (Integer) value(mirror, name).getValue();
  }

  /** A {@code boolean} attribute. */
  public boolean booleanValue(AnnotationMirror mirror, String name) {
    return (Boolean) value(mirror, name).getValue();
  }

  /** An {@code int[]} attribute. */
  public int[] intArray(AnnotationMirror mirror, String name) {
    List<?> values = (List<?>) value(mirror, name).getValue();
    int[] result = new int[values.size()];
    for (int i = 0; i < result.length; i++) {
      result[i] = (Integer) ((AnnotationValue) values.get(i)).getValue();
    }
    return result;
  }

  /** An enum attribute, as a constant of the given enum. */
  public <E extends Enum<E>> E enumValue(AnnotationMirror mirror, String name, Class<E> type) {
    VariableElement constant = (VariableElement) value(mirror, name).getValue();
    return Enum.valueOf(type, constant.getSimpleName().toString());
  }

  /** A {@code Class<?>[]} attribute, as type mirrors. */
  public List<TypeMirror> classArray(AnnotationMirror mirror, String name) {
    List<TypeMirror> result = new ArrayList<>();
    for (Object v : (List<?>) value(mirror, name).getValue()) {
      result.add((TypeMirror) ((AnnotationValue) v).getValue());
    }
    return result;
  }
}
