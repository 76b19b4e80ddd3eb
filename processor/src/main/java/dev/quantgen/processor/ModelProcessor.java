package dev.quantgen.processor;

import com.google.auto.service.AutoService;
import dev.quantgen.processor.model.ModelSpec;
import dev.quantgen.processor.validation.AnnotationNames;
import dev.quantgen.processor.validation.AnnotationReader;
import dev.quantgen.processor.validation.ModelValidator;
import dev.quantgen.processor.writing.GeneratedSources;
import dev.quantgen.processor.writing.ModelWriter;
import dev.quantgen.processor.writing.SpatialModelWriter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;

/**
 * Generates {@code <Model>_Model} for each {@code @Model}: it wires the layers' generated kernels
 * without reflection. Aggregating (Gradle): a model reads the annotations of the layer classes it
 * lists. Same policy as {@link LayerProcessor}: validate first, one bad model never stops the
 * others, exceptions become {@code [QuantizeException]} errors, annotations are never claimed.
 */
@AutoService(Processor.class)
public final class ModelProcessor extends AbstractProcessor {
  private GeneratedSources sources;

  @Override
  public synchronized void init(ProcessingEnvironment env) {
    super.init(env);
    sources = new GeneratedSources(env, getClass().getName());
  }

  @Override
  public Set<String> getSupportedAnnotationTypes() {
    return Set.of(AnnotationNames.MODEL);
  }

  @Override
  public SourceVersion getSupportedSourceVersion() {
    return SourceVersion.latestSupported();
  }

  @Override
  public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    Set<TypeElement> models =
        new TreeSet<>(Comparator.comparing(t -> t.getQualifiedName().toString()));
    for (TypeElement annotation : annotations) {
      for (Element e : round.getElementsAnnotatedWith(annotation)) {
        models.add((TypeElement) e);
      }
    }
    if (models.isEmpty() || !RuntimeClassPath.present(processingEnv, models.iterator().next())) {
      return false;
    }
    ModelValidator validator =
        new ModelValidator(new AnnotationReader(processingEnv.getElementUtils()));
    for (TypeElement model : models) {
      try {
        List<Diagnostics> diagnostics = new ArrayList<>();
        Optional<ModelSpec> spec = validator.validate(model, diagnostics);
        diagnostics.forEach(d -> d.printTo(processingEnv.getMessager(), null));
        if (spec.isPresent()) {
          sources.write(
              spec.get().spatial()
                  ? SpatialModelWriter.write(
                      spec.get(), getClass().getName(), model, processingEnv.getElementUtils())
                  : ModelWriter.write(
                      spec.get(), getClass().getName(), model, processingEnv.getElementUtils()),
              model);
        }
      } catch (RuntimeException | IOException e) {
        Diagnostics.printException(processingEnv.getMessager(), model, e);
      }
    }
    return false; // never claim the annotations
  }
}
