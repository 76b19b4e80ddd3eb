package dev.quantgen.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.quantgen.processor.Compilations.compile;
import static dev.quantgen.processor.Compilations.source;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * {@code activation = Activation.CLIP} with {@code clipMin} and {@code clipMax}: each mistake is a
 * {@code [QuantizeClipBounds]} error on the line of the attribute at fault, with the fix.
 */
class ClipBoundsErrorsTest {
  private static void assertError(JavaFileObject file, String line, String text) {
    Compilation compilation = compile(file);
    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining("[QuantizeClipBounds] " + text)
        .inFile(file)
        .onLineContaining(line);
  }

  @Test
  void minNotBelowMaxIsAnErrorOnClipMax() {
    assertError(
        source(
            "Reversed",
            "@Dense(in = 4, out = 2, activation = Activation.CLIP,",
            "    clipMin = 1.5f,",
            "    clipMax = -1.0f)",
            "final class Reversed {}"),
        "clipMax = -1.0f",
        "clipMax = -1.0 must be above clipMin = 1.5: swap or widen the bounds");
  }

  @Test
  void equalBoundsAreAnError() {
    assertError(
        source(
            "Flat",
            "@Conv2d(inChannels = 1, inHeight = 4, inWidth = 4, outChannels = 2, kernel = 3,",
            "    activation = Activation.CLIP, clipMin = 2f,",
            "    clipMax = 2f)",
            "final class Flat {}"),
        "clipMax = 2f",
        "clipMax = 2.0 must be above clipMin = 2.0");
  }

  @Test
  void nanBoundIsAnErrorOnIt() {
    assertError(
        source(
            "NotANumber",
            "@Dense(in = 4, out = 2, activation = Activation.CLIP, clipMin = 0f,",
            "    clipMax = Float.NaN)",
            "final class NotANumber {}"),
        "clipMax = Float.NaN",
        "activation = Activation.CLIP needs clipMax, got NaN: add clipMax = a number"
            + " (Float.POSITIVE_INFINITY for no bound on that side)");
  }

  @Test
  void clipWithoutBoundsIsAnErrorOnTheActivation() {
    assertError(
        source(
            "Unbounded",
            "@Dense(in = 4, out = 2,",
            "    activation = Activation.CLIP,",
            "    clipMax = 3f)",
            "final class Unbounded {}"),
        "activation = Activation.CLIP,",
        "activation = Activation.CLIP needs clipMin: add clipMin = a number"
            + " (Float.NEGATIVE_INFINITY for no bound on that side)");
  }

  @Test
  void boundsWithoutClipAreAnErrorOnTheBound() {
    assertError(
        source(
            "Stray",
            "@Conv2d(inChannels = 1, inHeight = 4, inWidth = 4, outChannels = 2, kernel = 3,",
            "    activation = Activation.RELU6,",
            "    clipMin = -1f)",
            "final class Stray {}"),
        "clipMin = -1f",
        "clipMin = -1.0 is only read with activation = Activation.CLIP, got RELU6: set activation"
            + " = Activation.CLIP or remove clipMin");
  }

  @Test
  void twoInfiniteBoundsAskForNone() {
    assertError(
        source(
            "Nothing",
            "@Dense(in = 4, out = 2, activation = Activation.CLIP,",
            "    clipMin = Float.NEGATIVE_INFINITY,",
            "    clipMax = Float.POSITIVE_INFINITY)",
            "final class Nothing {}"),
        "clipMin = Float.NEGATIVE_INFINITY",
        "clipMin = -Infinity and clipMax = Infinity clamp nothing: use activation ="
            + " Activation.NONE");
  }

  @Test
  void oneInfiniteBoundCompiles() {
    assertThat(
            compile(
                source(
                    "Floor",
                    "@Dense(in = 4, out = 2, activation = Activation.CLIP,",
                    "    clipMin = -0.5f, clipMax = Float.POSITIVE_INFINITY)",
                    "@Quantize(precision = Precision.INT8)",
                    "final class Floor {}")))
        .succeeded();
  }
}
