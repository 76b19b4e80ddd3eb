package dev.quantgen.quantize.weights;

/**
 * How {@link WeightSource#open(java.nio.file.Path, WeightOptions)} reads a weight file. By default
 * ({@link #defaults()}) only floating-point tensors (float16, bfloat16, float32, float64) are read:
 * a tensor stored as an integer or bool type is a {@link WeightFormatException} naming the file,
 * the tensor and its type, because integers in a float model's weight file are almost always a
 * mistake (an index, a step counter, or weights saved already quantized) that a silent conversion
 * would hide. {@link #convertIntegers()} reads them as float32 instead ({@link DType} says how).
 * Immutable.
 */
public final class WeightOptions {
  private static final WeightOptions DEFAULTS = new WeightOptions(false);
  private static final WeightOptions CONVERT_INTEGERS = new WeightOptions(true);

  private final boolean convertIntegers;

  private WeightOptions(boolean convertIntegers) {
    this.convertIntegers = convertIntegers;
  }

  /** Floating-point tensors only; an integer or bool tensor is an error when read. */
  public static WeightOptions defaults() {
    return DEFAULTS;
  }

  /**
   * Integer and bool tensors are converted to float32 when read: the wide integers rounded to
   * nearest even, bool as 0 or 1.
   */
  public static WeightOptions convertIntegers() {
    return CONVERT_INTEGERS;
  }

  /** Whether integer and bool tensors are converted to float32 (else rejected). */
  public boolean convertsIntegers() {
    return convertIntegers;
  }

  /**
   * Checks that tensor {@code name} of {@code file}, stored as {@code type}, may be read.
   *
   * @throws WeightFormatException naming the file, tensor and type, if it is an integer or bool
   *     tensor and integers are not converted
   */
  void check(Object file, String name, DType type) throws WeightFormatException {
    if (!convertIntegers && !type.isFloatingPoint()) {
      throw new WeightFormatException(
          file
              + ": tensor '"
              + name
              + "' is stored as "
              + type.label()
              + ", expected a floating-point type (float16, bfloat16, float32 or float64); integer tensors are not"
              + " converted silently: save the weights as floats, or open the file with"
              + " WeightSource.open(path, WeightOptions.convertIntegers()) to convert them to float32");
    }
  }

  @Override
  public String toString() {
    return convertIntegers ? "WeightOptions[convertIntegers]" : "WeightOptions[defaults]";
  }
}
