package dev.quantgen.processor.writing;

import com.palantir.javapoet.JavaFile;
import java.io.IOException;
import javax.annotation.processing.Filer;
import javax.annotation.processing.ProcessingEnvironment;
import javax.lang.model.element.TypeElement;

/**
 * Where a processor's generated files go: made once in its {@code init}, which is where it decides,
 * for the whole compilation, whether {@code @Generated} exists ({@link GeneratedFile#GENERATED});
 * every file then passes through {@link GeneratedFile#finish} with that one answer.
 */
public final class GeneratedSources {
  private final Filer filer;
  private final String processor;
  private final boolean generatedAnnotation;

  /** The sources {@code processor} (its class name, as the writers were given it) writes. */
  public GeneratedSources(ProcessingEnvironment env, String processor) {
    this.filer = env.getFiler();
    this.processor = processor;
    this.generatedAnnotation =
        env.getElementUtils().getTypeElement(GeneratedFile.GENERATED.canonicalName()) != null;
  }

  /** Writes {@code file}, generated from {@code origin}, through the filer. */
  public void write(JavaFile file, TypeElement origin) throws IOException {
    GeneratedFile.finish(file, processor, origin.getQualifiedName().toString(), generatedAnnotation)
        .writeTo(filer);
  }
}
