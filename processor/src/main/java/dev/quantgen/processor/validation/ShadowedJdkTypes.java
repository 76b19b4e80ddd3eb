package dev.quantgen.processor.validation;

import dev.quantgen.processor.Diagnostics;
import dev.quantgen.processor.Message;
import java.util.List;
import java.util.Set;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;

/**
 * Generated kernels and models call {@code java.lang} types by their simple names ({@code
 * Math.rint}, {@code Float.floatToIntBits}, {@code System.arraycopy}, also inside code templates
 * JavaPoet cannot qualify). A type of the same name in the generated package shadows them: the
 * kernel would silently call that class instead (and run its static initializer). So a layer or
 * model whose package holds such a type is an error, {@code [QuantizeShadowedJdkType]}, and nothing
 * is generated for it.
 *
 * <p>Why a check and not fully qualified names: qualification would have to reach every code
 * template of every writer, now and later; this check covers all of them at once because it rejects
 * every public {@code java.lang} simple name, whether a writer uses it today or not. Other JDK
 * types are imported by single-type imports, which win over same-package types, so they need no
 * check.
 */
public final class ShadowedJdkTypes {
  /**
   * Every public top-level type of {@code java.lang} in JDK 17 to 25 (a test checks the running JDK
   * adds none).
   */
  public static final Set<String> JAVA_LANG_TYPES =
      Set.of(
          "AbstractMethodError",
          "Appendable",
          "ArithmeticException",
          "ArrayIndexOutOfBoundsException",
          "ArrayStoreException",
          "AssertionError",
          "AutoCloseable",
          "Boolean",
          "BootstrapMethodError",
          "Byte",
          "CharSequence",
          "Character",
          "Class",
          "ClassCastException",
          "ClassCircularityError",
          "ClassFormatError",
          "ClassLoader",
          "ClassNotFoundException",
          "ClassValue",
          "CloneNotSupportedException",
          "Cloneable",
          "Comparable",
          "Compiler",
          "Deprecated",
          "Double",
          "Enum",
          "EnumConstantNotPresentException",
          "Error",
          "Exception",
          "ExceptionInInitializerError",
          "Float",
          "FunctionalInterface",
          "IO",
          "IllegalAccessError",
          "IllegalAccessException",
          "IllegalArgumentException",
          "IllegalCallerException",
          "IllegalMonitorStateException",
          "IllegalStateException",
          "IllegalThreadStateException",
          "IncompatibleClassChangeError",
          "IndexOutOfBoundsException",
          "InheritableThreadLocal",
          "InstantiationError",
          "InstantiationException",
          "Integer",
          "InternalError",
          "InterruptedException",
          "Iterable",
          "LayerInstantiationException",
          "LinkageError",
          "Long",
          "MatchException",
          "Math",
          "Module",
          "ModuleLayer",
          "NegativeArraySizeException",
          "NoClassDefFoundError",
          "NoSuchFieldError",
          "NoSuchFieldException",
          "NoSuchMethodError",
          "NoSuchMethodException",
          "NullPointerException",
          "Number",
          "NumberFormatException",
          "Object",
          "OutOfMemoryError",
          "Override",
          "Package",
          "Process",
          "ProcessBuilder",
          "ProcessHandle",
          "Readable",
          "Record",
          "ReflectiveOperationException",
          "Runnable",
          "Runtime",
          "RuntimeException",
          "RuntimePermission",
          "SafeVarargs",
          "ScopedValue",
          "SecurityException",
          "SecurityManager",
          "Short",
          "StableValue",
          "StackOverflowError",
          "StackTraceElement",
          "StackWalker",
          "StrictMath",
          "String",
          "StringBuffer",
          "StringBuilder",
          "StringIndexOutOfBoundsException",
          "StringTemplate",
          "SuppressWarnings",
          "System",
          "Thread",
          "ThreadDeath",
          "ThreadGroup",
          "ThreadLocal",
          "Throwable",
          "TypeNotPresentException",
          "UnknownError",
          "UnsatisfiedLinkError",
          "UnsupportedClassVersionError",
          "UnsupportedOperationException",
          "VerifyError",
          "VirtualMachineError",
          "Void",
          "WrongThreadException");

  private ShadowedJdkTypes() {}

  /**
   * Adds a {@link Message#SHADOWED_JDK_TYPE} error on {@code annotated} (at {@code mirror}) for
   * each type of its package named like a {@code java.lang} type.
   */
  public static void check(TypeElement annotated, AnnotationMirror mirror, List<Diagnostics> out) {
    PackageElement pkg = packageElement(annotated);
    for (Element member : pkg.getEnclosedElements()) {
      String name = member.getSimpleName().toString();
      if (member instanceof TypeElement && JAVA_LANG_TYPES.contains(name)) {
        out.add(
            Diagnostics.of(
                Message.SHADOWED_JDK_TYPE,
                annotated,
                mirror,
                null,
                ((TypeElement) member).getQualifiedName(),
                name,
                annotated.getSimpleName()));
      }
    }
  }

  private static PackageElement packageElement(Element e) {
    while (!(e instanceof PackageElement)) {
      e = e.getEnclosingElement();
    }
    return (PackageElement) e;
  }
}
