package dev.quantgen.processor;

import com.sun.source.util.Trees;
import java.io.PrintWriter;
import java.io.StringWriter;
import javax.annotation.processing.Messager;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;

/**
 * One diagnostic, attached as precisely as known: to an annotation value, else to an annotation,
 * else to the element. Validators collect these instead of printing, so they are plain data that
 * tests and the other processor can inspect.
 */
public record Diagnostics(
    Message message, String text, Element element, AnnotationMirror mirror, AnnotationValue value) {

  /** A diagnostic on an element (and optionally one of its annotations and a value). */
  public static Diagnostics of(
      Message message,
      Element element,
      AnnotationMirror mirror,
      AnnotationValue value,
      Object... args) {
    return new Diagnostics(message, message.format(args), element, mirror, value);
  }

  /** Prints this diagnostic. */
  public void printTo(Messager messager, Trees trees) {
    if (mirror != null
        && trees != null
        && !element.getAnnotationMirrors().contains(mirror)
        && RepeatedAnnotationTrees.print(trees, this)) {
      return;
    }
    if (value != null) {
      messager.printMessage(message.kind(), text, element, mirror, value);
    } else if (mirror != null) {
      messager.printMessage(message.kind(), text, element, mirror);
    } else {
      messager.printMessage(message.kind(), text, element);
    }
  }

  /** Reports an unexpected exception on the element it happened on, with its stack trace. */
  public static void printException(Messager messager, Element element, Throwable e) {
    StringWriter trace = new StringWriter();
    e.printStackTrace(new PrintWriter(trace));
    Message m = Message.EXCEPTION;
    messager.printMessage(m.kind(), m.format(element, trace), element);
  }
}
