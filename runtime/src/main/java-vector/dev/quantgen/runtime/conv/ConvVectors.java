package dev.quantgen.runtime.conv;

import java.util.Locale;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The one place the convolution kernels choose their vector width: the widest the machine prefers
 * (512 bits with AVX-512, 256 with AVX2), or the width forced by {@value #PROPERTY} ({@code 256} or
 * {@code 512}) so both can be tested and measured on one machine. A {@code static final}, so C2 sees
 * a constant species and compiles each vector operation to single instructions.
 */
final class ConvVectors {
  /** The system property that forces a width in bits: {@code 256} or {@code 512}. */
  static final String PROPERTY = "quantgen.vectorBits";

  static final VectorSpecies<Float> FLOATS = floats(System.getProperty(PROPERTY));

  private ConvVectors() {}

  static VectorSpecies<Float> floats(String forced) {
    String value = forced == null ? "" : forced.trim().toLowerCase(Locale.ROOT);
    switch (value) {
      case "":
        if (FloatVector.SPECIES_PREFERRED.vectorBitSize() < 256) {
          throw new UnsupportedOperationException("preferred vector size is "
              + FloatVector.SPECIES_PREFERRED.vectorBitSize() + " bits, need 256");
        }
        return FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 512 ? FloatVector.SPECIES_512
            : FloatVector.SPECIES_256;
      case "256":
        return FloatVector.SPECIES_256;
      case "512":
        return FloatVector.SPECIES_512;
      default:
        throw new IllegalArgumentException(PROPERTY + ": expected 256 or 512, got '" + forced + "'");
    }
  }
}
