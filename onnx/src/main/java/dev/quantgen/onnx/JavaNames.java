package dev.quantgen.onnx;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The one gate between text from a model file (node names, file names, initializer names) and
 * generated Java source. Names from a model are untrusted: a node name is attacker-chosen text.
 * Everything {@link SourceGenerator} writes from a model goes through one of three functions here:
 *
 * <ul>
 *   <li>{@link #typeNames} / {@link #typeName}: identifiers. The result has only ASCII letters,
 *       digits and underscores, starts with an uppercase letter, is at most {@link #MAX_LENGTH}
 *       characters, and is never a Java keyword, a {@code java.lang} type name or another type the
 *       generated code or the processor's kernels refer to by simple name (a class {@code Math} in
 *       the generated package would otherwise replace {@code java.lang.Math} in every kernel), nor
 *       a Windows device name. {@link #typeNames} also makes every name and every class derived
 *       from it (the processor's {@code _Fp32}, {@code _Int8}, ... kernels, the model's {@code
 *       Weights} and {@code _Model}) distinct ignoring case, so no two generated files can be the
 *       same file on any file system.
 *   <li>{@link #docText}: documentation. Only a small set of printable ASCII characters is kept;
 *       every other character, including {@code *}, {@code /}, {@code @}, {@code <}, {@code &} and
 *       the backslash that would start a {@code \}{@code u002a}-style unicode escape (which javac
 *       decodes even inside comments), is shown as {@code %XX} (the UTF-8 bytes), so model text can
 *       never end a comment or form a tag.
 *   <li>{@link #stringLiteral}: string literals, exact and with every character outside printable
 *       ASCII escaped, so the literal reads the same under any source encoding and cannot be
 *       closed.
 * </ul>
 */
public final class JavaNames {
  /** The longest type name made from a model's text (file names stay well under 255 bytes). */
  public static final int MAX_LENGTH = 64;

  /**
   * Every public top-level type of {@code java.lang} in JDK 17 to 25 (a fixed list, so generated
   * sources do not depend on the JDK that generates them; a test checks the running JDK adds none).
   * Generated code refers to these by simple name, so a same-package type with one of these names
   * would shadow them.
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

  /**
   * Other types generated sources name: the JDK and quantgen types the layer sources and the
   * processor's kernels import. An import would win over a same-package class, but a layer class of
   * the same name would clash with the import in its own file; a generous list costs only a rename.
   */
  static final Set<String> OTHER_REFERENCED_TYPES =
      Set.of(
          // JDK types outside java.lang
          "Arrays",
          "Collections",
          "Generated",
          "List",
          "Map",
          "Objects",
          "Optional",
          "Set",
          "SplittableRandom",
          "Iterator",
          "Function",
          "Supplier",
          "Consumer",
          "UnaryOperator",
          "Entry",
          // dev.quantgen.annotations
          "Activation",
          "Activations",
          "AvgPool2d",
          "Conv2d",
          "Dense",
          "Flatten",
          "MaxPool2d",
          "Model",
          "Padding",
          "Precision",
          "Quantize",
          "Requantization",
          "Rounding",
          "Scheme",
          // dev.quantgen.runtime types the kernels use
          "DenseLayer",
          "StaticQuantizedLayer",
          "DenseWeights",
          "DenseChain",
          "GeneratedKernels",
          "ActivationParams",
          "ActivationMode",
          "RequantMode",
          "LayerMath",
          "QuantizedDenseParams",
          "QuantizedDenseConfig",
          "StaticRequantization",
          "Fp16DenseParams",
          "BinaryDenseParams",
          "QuantType",
          "Half",
          "FloatTensor",
          "QuantParams",
          "Shape",
          "Window2d",
          "WindowGeometry",
          "PadMode",
          "QuantizedConv2d",
          "Fp16Conv2d",
          "WeightQuantizedConv2d",
          "BinaryConv2d",
          "Int4Packing",
          "KernelSupport",
          "Kernels",
          "Rows",
          "WeightTransform",
          "ActivationFakeQuant",
          "BinaryWeightTransform",
          "IntegerWeightTransform");

  /**
   * Reserved words and literals (JLS 3.9, 3.10), and the restricted identifiers no type may take.
   */
  static final Set<String> KEYWORDS =
      Set.of(
          "abstract",
          "assert",
          "boolean",
          "break",
          "byte",
          "case",
          "catch",
          "char",
          "class",
          "const",
          "continue",
          "default",
          "do",
          "double",
          "else",
          "enum",
          "extends",
          "final",
          "finally",
          "float",
          "for",
          "goto",
          "if",
          "implements",
          "import",
          "instanceof",
          "int",
          "interface",
          "long",
          "native",
          "new",
          "package",
          "private",
          "protected",
          "public",
          "return",
          "short",
          "static",
          "strictfp",
          "super",
          "switch",
          "synchronized",
          "this",
          "throw",
          "throws",
          "transient",
          "try",
          "void",
          "volatile",
          "while",
          "_",
          "true",
          "false",
          "null",
          "var",
          "yield",
          "record",
          "sealed",
          "permits");

  /** Names Windows cannot use for a file, whatever the extension ({@code Con.java} included). */
  static final Set<String> WINDOWS_DEVICES =
      Set.of(
          "con", "prn", "aux", "nul", "com0", "com1", "com2", "com3", "com4", "com5", "com6",
          "com7", "com8", "com9", "lpt0", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7",
          "lpt8", "lpt9");

  /**
   * What the processor appends to a layer class name for its kernels ({@code <Layer>_Int8}, the
   * pool kernel) and their fake-quantization operators ({@code <Layer>_Int8FakeQuant}); generous,
   * so a future kernel kind is covered too.
   */
  static final List<String> LAYER_COMPANIONS;

  /** What is appended to the model name: the weight binding and the processor's model class. */
  static final List<String> MODEL_COMPANIONS = List.of("Weights", "_Model");

  /** Top-level packages the platform owns: javac refuses or the module system forbids them. */
  private static final Set<String> PLATFORM_PACKAGES = Set.of("java", "javax", "jdk");

  /** quantgen's own packages: a generated class there could replace one of the library's. */
  private static final List<String> QUANTGEN_PACKAGES =
      List.of(
          "dev.quantgen.annotations",
          "dev.quantgen.runtime",
          "dev.quantgen.processor",
          "dev.quantgen.onnx",
          "dev.quantgen.cli",
          "dev.quantgen.testkit");

  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern TYPE_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");

  /**
   * The characters documentation keeps as they are; none can start or end a comment, tag or escape.
   */
  private static final Pattern DOC_SAFE = Pattern.compile("[A-Za-z0-9 _.,:;=+#()\\[\\]-]");

  static {
    List<String> companions = new ArrayList<>();
    for (String kernel :
        List.of("Fp32", "Fp16", "Int8", "Int4", "Binary", "Pool", "Flatten", "Model")) {
      companions.add("_" + kernel);
      companions.add("_" + kernel + "FakeQuant");
    }
    LAYER_COMPANIONS = List.copyOf(companions);
  }

  private JavaNames() {}

  /**
   * A type name for {@code raw} text from a model, alone (no uniqueness): every character but an
   * ASCII letter, digit or underscore becomes {@code _}; text with no letter or digit becomes
   * {@code fallback}; the first letter is capitalized, and a name not starting with a letter gets
   * {@code word} in front; cut to {@link #MAX_LENGTH}; a reserved name gets {@code word} appended
   * ({@code Math} becomes {@code MathLayer} with word {@code Layer}).
   *
   * @param fallback a valid type name, used when {@code raw} has no letter or digit
   * @param word a capitalized word such as {@code Layer} or {@code Model}
   * @throws IllegalArgumentException if {@code fallback} is not a valid type name or {@code word}
   *     not a capitalized word of at most 16 letters
   */
  public static String typeName(String raw, String fallback, String word) {
    if (!TYPE_NAME.matcher(fallback).matches()
        || fallback.length() > MAX_LENGTH
        || reserved(fallback)
        || !word.matches("[A-Z][A-Za-z]{0,15}")) {
      throw new IllegalArgumentException(
          "typeName(fallback \""
              + fallback
              + "\", word \""
              + word
              + "\"): expected a "
              + "type name and a capitalized word");
    }
    StringBuilder b = new StringBuilder();
    boolean meaningful = false;
    for (int i = 0; i < raw.length() && b.length() < MAX_LENGTH; ) {
      int cp = raw.codePointAt(i);
      i += Character.charCount(cp);
      boolean kept = cp < 128 && (Character.isLetterOrDigit(cp) || cp == '_');
      b.append(kept ? (char) cp : '_');
      meaningful |= kept && cp != '_';
    }
    String name = meaningful ? b.toString() : fallback;
    char first = name.charAt(0);
    if (first >= 'a' && first <= 'z') {
      name = Character.toUpperCase(first) + name.substring(1);
    } else if (!(first >= 'A' && first <= 'Z')) {
      name = word + name;
    }
    name = cut(name, MAX_LENGTH);
    if (reserved(name)) {
      name = cut(name, MAX_LENGTH - word.length()) + word;
    }
    return name;
  }

  /**
   * The model interface's name for an ONNX file named {@code fileName}: the name without extension,
   * cut at every character that cannot be in a Java name and each part capitalized ({@code
   * mnist-8.onnx} gives {@code Mnist8}); prefixed with {@code Model} if it would start with a
   * digit, then made safe by {@link #typeName} ({@code math.onnx} gives {@code MathModel}: a class
   * {@code Math} in the generated package would shadow {@code java.lang.Math}). The import command
   * and the Maven plugin both use it.
   */
  public static String modelNameForFile(String fileName) {
    String stem = fileName.replaceFirst("\\.[^.]*$", "");
    StringBuilder name = new StringBuilder();
    for (String part : stem.split("[^A-Za-z0-9]+")) {
      if (!part.isEmpty()) {
        name.append(part.substring(0, 1).toUpperCase(java.util.Locale.ROOT))
            .append(part.substring(1));
      }
    }
    if (name.length() == 0 || Character.isDigit(name.charAt(0))) {
      name.insert(0, "Model");
    }
    return typeName(name.toString(), "OnnxModel", "Model");
  }

  /**
   * One type name per layer name, in order, each from {@link #typeName} (fallback {@code Layer<k>},
   * word {@code Layer}), made unique: the names, {@code modelName} and every class derived from
   * them ({@link #LAYER_COMPANIONS}, {@link #MODEL_COMPANIONS}) are pairwise distinct ignoring
   * case. A layer whose name (or a derived name) is taken gets the first free {@code _2}, {@code
   * _3}, ...: the result depends only on the names and their order.
   *
   * @throws IllegalArgumentException if {@code modelName} is not a valid type name ({@link
   *     #typeNameProblem})
   */
  public static List<String> typeNames(List<String> layerNames, String modelName) {
    typeNameProblem(modelName)
        .ifPresent(
            problem -> {
              throw new IllegalArgumentException("model name \"" + modelName + "\": " + problem);
            });
    Set<String> taken = new HashSet<>();
    claim(taken, family(modelName, MODEL_COMPANIONS));
    List<String> names = new ArrayList<>();
    for (int k = 0; k < layerNames.size(); k++) {
      String base = typeName(layerNames.get(k), "Layer" + (k + 1), "Layer");
      String name = base;
      for (int n = 2; reserved(name) || !free(taken, family(name, LAYER_COMPANIONS)); n++) {
        String suffix = "_" + n;
        name = cut(base, MAX_LENGTH - suffix.length()) + suffix;
      }
      claim(taken, family(name, LAYER_COMPANIONS));
      names.add(name);
    }
    return List.copyOf(names);
  }

  /**
   * Why {@code name} cannot name a generated model type, or empty if it can: it must be an ASCII
   * letter followed by letters, digits or underscores, at most {@link #MAX_LENGTH} long, not a
   * keyword and not reserved ({@code java.lang} and other referenced type names, Windows device
   * names).
   */
  public static Optional<String> typeNameProblem(String name) {
    if (!TYPE_NAME.matcher(name).matches()) {
      return Optional.of(
          "expected a Java class name of ASCII letters, digits and underscores starting with a "
              + "letter, such as Mnist8");
    }
    if (name.length() > MAX_LENGTH) {
      return Optional.of("expected at most " + MAX_LENGTH + " characters, got " + name.length());
    }
    if (KEYWORDS.contains(name)) {
      return Optional.of("a Java keyword, expected a class name such as Mnist8");
    }
    if (reserved(name)) {
      return Optional.of(
          "the name of a JDK, Windows or quantgen type the generated code relies on, expected "
              + "another name such as "
              + name
              + "Model");
    }
    return Optional.empty();
  }

  /**
   * Why {@code packageName} cannot hold generated sources, or empty if it can: dot-separated
   * identifiers of ASCII letters, digits and underscores, none a keyword, not under {@code java},
   * {@code javax} or {@code jdk}, and not one of quantgen's own packages.
   */
  public static Optional<String> packageNameProblem(String packageName) {
    String[] segments = packageName.split("\\.", -1);
    for (String segment : segments) {
      if (!IDENTIFIER.matcher(segment).matches()) {
        return Optional.of(
            "\""
                + segment
                + "\" is not an identifier, expected a Java package name of ASCII "
                + "letters, digits and underscores such as com.example.model");
      }
      if (KEYWORDS.contains(segment)) {
        return Optional.of(
            "\""
                + segment
                + "\" is a Java keyword, expected a package name such as "
                + "com.example.model");
      }
    }
    if (PLATFORM_PACKAGES.contains(segments[0])) {
      return Optional.of(
          "packages under "
              + segments[0]
              + ". belong to the JDK, expected your own package such "
              + "as com.example.model");
    }
    for (String own : QUANTGEN_PACKAGES) {
      if (packageName.equals(own) || packageName.startsWith(own + ".")) {
        return Optional.of(
            "a package of quantgen itself ("
                + own
                + "), expected your own package such as "
                + "com.example.model");
      }
    }
    return Optional.empty();
  }

  /**
   * {@code text} for a generated comment: {@code [A-Za-z0-9 _.,:;=+#()[]-]} as they are, every
   * other character as the {@code %XX} of its UTF-8 bytes (a comment end becomes {@code %2A%2F}, a
   * backslash {@code %5C}); cut to 200 characters of the original, marked with {@code ...}.
   */
  public static String docText(String text) {
    StringBuilder b = new StringBuilder();
    int end = Math.min(text.length(), 200);
    if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
      end--;
    }
    for (int i = 0; i < end; ) {
      int cp = text.codePointAt(i);
      int n = Character.charCount(cp);
      String ch = text.substring(i, i + n);
      i += n;
      if (DOC_SAFE.matcher(ch).matches()) {
        b.append(ch);
      } else {
        for (byte u : ch.getBytes(StandardCharsets.UTF_8)) {
          b.append('%').append(String.format(Locale.ROOT, "%02X", u & 0xff));
        }
      }
    }
    return end < text.length() ? b.append("...").toString() : b.toString();
  }

  /**
   * A Java string literal (with its quotes) equal to {@code s}: printable ASCII as is except {@code
   * "} and {@code \} (escaped), control characters as octal escapes and everything else as {@code
   * \}{@code uXXXX}. Never a unicode escape for a quote, backslash or line break (javac would
   * decode those before it reads the literal), so the literal cannot end early.
   */
  public static String stringLiteral(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c >= 0x20 && c < 0x7f) {
        b.append(c);
      } else if (c < 0x80) {
        b.append(String.format(Locale.ROOT, "\\%03o", (int) c));
      } else {
        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      }
    }
    return b.append('"').toString();
  }

  /** Whether generated code must not declare a type named {@code name} (ignoring case). */
  static boolean reserved(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return KEYWORDS.contains(lower)
        || WINDOWS_DEVICES.contains(lower)
        || RESERVED_LOWER.contains(lower);
  }

  private static final Set<String> RESERVED_LOWER = lower(JAVA_LANG_TYPES, OTHER_REFERENCED_TYPES);

  private static Set<String> lower(Set<String> a, Set<String> b) {
    Set<String> all = new HashSet<>();
    a.forEach(n -> all.add(n.toLowerCase(Locale.ROOT)));
    b.forEach(n -> all.add(n.toLowerCase(Locale.ROOT)));
    return Set.copyOf(all);
  }

  private static List<String> family(String name, List<String> companions) {
    List<String> all = new ArrayList<>();
    all.add(name);
    companions.forEach(c -> all.add(name + c));
    return all;
  }

  private static boolean free(Set<String> taken, List<String> names) {
    return names.stream().noneMatch(n -> taken.contains(n.toLowerCase(Locale.ROOT)));
  }

  private static void claim(Set<String> taken, List<String> names) {
    names.forEach(n -> taken.add(n.toLowerCase(Locale.ROOT)));
  }

  private static String cut(String name, int length) {
    return name.length() <= length ? name : name.substring(0, length);
  }
}
