package dev.quantgen.processor;

import com.google.auto.service.AutoService;
import com.palantir.javapoet.JavaFile;
import com.sun.source.util.Trees;
import dev.quantgen.processor.model.LayerSpec;
import dev.quantgen.processor.model.SpatialSpec;
import dev.quantgen.processor.model.VariantSpec;
import dev.quantgen.processor.validation.AnnotationNames;
import dev.quantgen.processor.validation.AnnotationReader;
import dev.quantgen.processor.validation.LayerValidator;
import dev.quantgen.processor.validation.ValidationResult;
import dev.quantgen.processor.writing.FakeQuantWriter;
import dev.quantgen.processor.writing.GeneratedSources;
import dev.quantgen.processor.writing.KernelWriters;
import dev.quantgen.processor.writing.SpatialKernelWriter;
import java.io.IOException;
import java.util.Comparator;
import java.util.Set;
import java.util.TreeSet;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.annotation.processing.SupportedOptions;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;

/**
 * Generates the kernels of each annotated layer class: {@code <Layer>_Fp32} always, plus one class
 * per {@code @Quantize}; with {@code -Aquantgen.fakeQuant=true} ({@link #FAKE_QUANT_OPTION}) also,
 * for each INT8, INT4 or BINARY variant of a dense or convolution layer, its fake-quantization
 * operator for training, {@code <Layer>_<Precision>FakeQuant}. Isolating (Gradle): each generated
 * file depends on its layer class only. Validate, then model, then write; one bad class never stops
 * the others, an unexpected exception becomes a {@code [QuantizeException]} error on its class, and
 * {@link #process} never claims the annotations.
 */
@AutoService(Processor.class)
@SupportedOptions({LayerProcessor.FAKE_QUANT_OPTION, LayerProcessor.FAIL_ON_OPTION})
public final class LayerProcessor extends AbstractProcessor {
  /**
   * Test hook: {@code -Aquantgen.testing.failOn=<class>} makes processing that class throw, so the
   * {@code [QuantizeException]} path (which no valid or invalid input reaches) can be tested.
   */
  static final String FAIL_ON_OPTION = "quantgen.testing.failOn";

  /**
   * {@code -Aquantgen.fakeQuant=true} also generates the fake-quantization operator of every INT8,
   * INT4 and BINARY variant of a dense or convolution layer, for quantization-aware training; that
   * code imports {@code dev.quantgen.training.qat}, so the build then needs quantgen-training on
   * its class path. Off by default ({@code false}): an inference build generates, and ships, no
   * training code.
   */
  public static final String FAKE_QUANT_OPTION = "quantgen.fakeQuant";

  private boolean fakeQuant;
  private GeneratedSources sources;

  @Override
  public synchronized void init(ProcessingEnvironment env) {
    super.init(env);
    sources = new GeneratedSources(env, getClass().getName());
    String value = env.getOptions().get(FAKE_QUANT_OPTION);
    if (value == null || value.equalsIgnoreCase("false")) {
      fakeQuant = false;
    } else if (value.equalsIgnoreCase("true")) {
      fakeQuant = true;
    } else {
      env.getMessager()
          .printMessage(
              Message.INVALID_OPTION.kind(),
              Message.INVALID_OPTION.format(FAKE_QUANT_OPTION, value, "true or false"));
    }
  }

  @Override
  public Set<String> getSupportedAnnotationTypes() {
    Set<String> types = new TreeSet<>(AnnotationNames.LAYERS);
    types.add(AnnotationNames.QUANTIZE);
    types.add(AnnotationNames.QUANTIZE_LIST);
    return types;
  }

  @Override
  public SourceVersion getSupportedSourceVersion() {
    return SourceVersion.latestSupported();
  }

  @Override
  public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    Set<TypeElement> layers =
        new TreeSet<>(Comparator.comparing(t -> t.getQualifiedName().toString()));
    for (TypeElement annotation : annotations) {
      for (Element e : round.getElementsAnnotatedWith(annotation)) {
        layers.add((TypeElement) e); // every layer annotation targets TYPE
      }
    }
    if (layers.isEmpty() || !RuntimeClassPath.present(processingEnv, layers.iterator().next())) {
      return false;
    }
    LayerValidator validator =
        new LayerValidator(new AnnotationReader(processingEnv.getElementUtils()));
    Trees trees = SourceTrees.of(processingEnv);
    for (TypeElement layer : layers) {
      try {
        processLayer(validator, trees, layer);
      } catch (RuntimeException | IOException e) {
        Diagnostics.printException(processingEnv.getMessager(), layer, e);
      }
    }
    return false; // never claim the annotations: other processors may want them too
  }

  private void processLayer(LayerValidator validator, Trees trees, TypeElement layer)
      throws IOException {
    if (layer
        .getQualifiedName()
        .contentEquals(processingEnv.getOptions().getOrDefault(FAIL_ON_OPTION, ""))) {
      throw new IllegalStateException("failure requested by -A" + FAIL_ON_OPTION);
    }
    ValidationResult result = validator.validate(layer);
    result.diagnostics().forEach(d -> d.printTo(processingEnv.getMessager(), trees));
    if (result.hasErrors()) {
      return;
    }
    if (result.spatial().isPresent()) {
      SpatialSpec spatial = result.spatial().get();
      for (JavaFile file : SpatialKernelWriter.write(spatial, getClass().getName(), layer)) {
        sources.write(file, layer);
      }
      if (spatial.kind() == SpatialSpec.Kind.CONV) {
        for (VariantSpec variant : spatial.requested()) {
          if (fakeQuant && FakeQuantWriter.applies(variant)) {
            sources.write(
                FakeQuantWriter.write(spatial, variant, getClass().getName(), layer), layer);
          }
        }
      }
      return;
    }
    if (result.spec().isEmpty()) {
      return;
    }
    LayerSpec spec = result.spec().get();
    for (VariantSpec variant : spec.generated()) {
      sources.write(KernelWriters.write(spec, variant, getClass().getName(), layer), layer);
      if (fakeQuant && FakeQuantWriter.applies(variant)) {
        sources.write(FakeQuantWriter.write(spec, variant, getClass().getName(), layer), layer);
      }
    }
  }
}
