package dev.quantgen.processor.validation;

import dev.quantgen.processor.Diagnostics;
import dev.quantgen.processor.model.LayerSpec;
import dev.quantgen.processor.model.SpatialSpec;
import java.util.List;
import java.util.Optional;
import javax.tools.Diagnostic;

/**
 * What validating one layer class found: its diagnostics and, if there is no error, its spec: a
 * dense layer's {@link #spec()} or a convolution, pooling or flatten layer's {@link #spatial()}.
 * Nothing is written for a class with an error.
 */
public record ValidationResult(
    List<Diagnostics> diagnostics, Optional<LayerSpec> spec, Optional<SpatialSpec> spatial) {
  public ValidationResult {
    diagnostics = List.copyOf(diagnostics);
  }

  /** A result with no spatial spec. */
  public ValidationResult(List<Diagnostics> diagnostics, Optional<LayerSpec> spec) {
    this(diagnostics, spec, Optional.empty());
  }

  /** Whether any diagnostic is an error. */
  public boolean hasErrors() {
    return diagnostics.stream().anyMatch(d -> d.message().kind() == Diagnostic.Kind.ERROR);
  }
}
