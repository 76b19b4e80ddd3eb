package dev.quantgen.processor.validation;

import dev.quantgen.processor.Diagnostics;
import dev.quantgen.processor.model.LayerSpec;
import java.util.List;
import java.util.Optional;
import javax.tools.Diagnostic;

/**
 * What validating one layer class found: its diagnostics and, if there is no error and it is a
 * dense layer, its spec. Nothing is written for a class with an error.
 */
public record ValidationResult(List<Diagnostics> diagnostics, Optional<LayerSpec> spec) {
  public ValidationResult {
    diagnostics = List.copyOf(diagnostics);
  }

  /** Whether any diagnostic is an error. */
  public boolean hasErrors() {
    return diagnostics.stream().anyMatch(d -> d.message().kind() == Diagnostic.Kind.ERROR);
  }
}
