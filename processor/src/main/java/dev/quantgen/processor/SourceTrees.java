package dev.quantgen.processor;

import com.sun.source.util.Trees;
import javax.annotation.processing.ProcessingEnvironment;

/** javac's tree API when the processor runs inside javac; {@code null} under another compiler. */
final class SourceTrees {
  private SourceTrees() {}

  static Trees of(ProcessingEnvironment env) {
    try {
      return Trees.instance(env);
    } catch (IllegalArgumentException | LinkageError e) {
      return null; // not javac (e.g. Eclipse): diagnostics fall back to Messager positions
    }
  }
}
