package dev.quantgen.processor.validation;

import java.util.List;

/**
 * Fully qualified annotation names as strings, so the processor never loads the annotation classes
 * to find them (as AutoValue's {@code ClassNames}).
 */
public final class AnnotationNames {
  public static final String PACKAGE = "dev.quantgen.annotations";
  public static final String QUANTIZE = PACKAGE + ".Quantize";
  public static final String QUANTIZE_LIST = QUANTIZE + ".List";
  public static final String DENSE = PACKAGE + ".Dense";
  public static final String CONV2D = PACKAGE + ".Conv2d";
  public static final String MAX_POOL2D = PACKAGE + ".MaxPool2d";
  public static final String AVG_POOL2D = PACKAGE + ".AvgPool2d";
  public static final String FLATTEN = PACKAGE + ".Flatten";
  public static final String GLOBAL_AVG_POOL2D = PACKAGE + ".GlobalAvgPool2d";
  public static final String SOFTMAX = PACKAGE + ".Softmax";
  public static final String ADD = PACKAGE + ".Add";
  public static final String CONCAT = PACKAGE + ".Concat";
  public static final String MODEL = PACKAGE + ".Model";

  /**
   * {@code Model.Input}: an {@code Add} or {@code Concat} {@code from} naming the model's input.
   */
  public static final String MODEL_INPUT = MODEL + ".Input";

  /** The layer annotations, in the order they are reported. */
  public static final List<String> LAYERS =
      List.of(
          DENSE, CONV2D, MAX_POOL2D, AVG_POOL2D, FLATTEN, GLOBAL_AVG_POOL2D, SOFTMAX, ADD, CONCAT);

  private AnnotationNames() {}

  /** {@code Dense} for {@code dev.quantgen.annotations.Dense}. */
  public static String simpleName(String qualified) {
    return qualified.substring(qualified.lastIndexOf('.') + 1);
  }
}
