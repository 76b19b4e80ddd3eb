package dev.quantgen.processor;

import java.io.IOException;
import java.io.InputStream;
import java.util.Collections;
import java.util.Properties;
import java.util.Set;
import java.util.WeakHashMap;
import javax.annotation.processing.ProcessingEnvironment;
import javax.lang.model.element.Element;
import javax.lang.model.util.Elements;

/**
 * Checks that {@code quantgen-runtime} is on the class path of the compilation being processed:
 * every generated kernel calls into it, so without it javac would report hundreds of errors inside
 * generated sources and none saying what is wrong. When it is missing, the processors generate
 * nothing and one {@link Message#MISSING_RUNTIME} error says which dependency to add.
 */
final class RuntimeClassPath {
  /** A runtime class every generated kernel uses. */
  static final String PROBE = "dev.quantgen.runtime.kernel.KernelSupport";

  /**
   * The compilations already told, by their {@link Elements} (one per javac run and shared by both
   * processors, even where a build tool wraps each processor's environment): one error per
   * compilation, whichever processor sees an annotation first, in whichever round.
   */
  private static final Set<Elements> REPORTED =
      Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

  private RuntimeClassPath() {}

  /**
   * True when the runtime is on the class path; otherwise reports the missing-runtime error on
   * {@code element} (once per compilation) and returns false.
   */
  static boolean present(ProcessingEnvironment env, Element element) {
    Elements elements = env.getElementUtils();
    if (elements.getTypeElement(PROBE) != null) {
      return true;
    }
    if (REPORTED.add(elements)) {
      String version = processorVersion();
      Message m = Message.MISSING_RUNTIME;
      env.getMessager().printMessage(m.kind(), m.format(PROBE, version, version), element);
    }
    return false;
  }

  /**
   * This processor's Maven version, from its jar's {@code pom.properties}; a placeholder elsewhere.
   */
  static String processorVersion() {
    try (InputStream in =
        RuntimeClassPath.class.getResourceAsStream(
            "/META-INF/maven/dev.quantgen/quantgen-processor/pom.properties")) {
      if (in != null) {
        Properties p = new Properties();
        p.load(in);
        String version = p.getProperty("version");
        if (version != null && !version.isBlank()) {
          return version;
        }
      }
    } catch (IOException e) {
      // fall through to the placeholder: the message stays useful without the number
    }
    return "<quantgen-processor's version>";
  }
}
