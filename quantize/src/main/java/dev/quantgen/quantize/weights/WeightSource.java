package dev.quantgen.quantize.weights;

import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.Shape;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Named float32 weights read from a file: NumPy {@code .npy} / {@code .npz} or safetensors. Every
 * floating-point type is converted to float32 ({@link DType} says how); an integer or bool tensor
 * is an error when read, unless the source was opened with {@link WeightOptions#convertIntegers()}.
 * Headers are read and validated when the source opens; tensor data is read on {@link #get}. Close
 * the source when done.
 */
public interface WeightSource extends Closeable {
  /** The file this source reads. */
  Path file();

  /**
   * The tensor names, in file order (the readers of this package return one unmodifiable list, not
   * a copy).
   */
  List<String> names();

  /** Whether there is a tensor named {@code name}: a hash lookup in the readers of this package. */
  default boolean contains(String name) {
    return names().contains(name);
  }

  /**
   * The shape of a tensor, without reading its data.
   *
   * @throws WeightFormatException if there is no such tensor (the message lists the available ones)
   */
  Shape shape(String name) throws WeightFormatException;

  /**
   * The stored element type of a tensor.
   *
   * @throws WeightFormatException if there is no such tensor
   */
  DType dtype(String name) throws WeightFormatException;

  /**
   * The file's string metadata (safetensors' {@code __metadata__}); empty when the format has none.
   */
  default Map<String, String> metadata() {
    return Map.of();
  }

  /**
   * Reads a tensor as float32.
   *
   * @throws WeightFormatException if there is no such tensor, its data is truncated or corrupt, or
   *     it is an integer or bool tensor and the source does not convert integers ({@link
   *     WeightOptions})
   */
  FloatTensor get(String name) throws IOException;

  /**
   * Reads a tensor for a layer and checks its shape.
   *
   * @throws WeightFormatException naming the file, layer, tensor, expected and found shape (or, for
   *     a missing tensor, the available names)
   */
  default FloatTensor get(String layer, String name, Shape expected) throws IOException {
    if (!contains(
        name)) { // not names().contains: a copy or a scan per tensor is quadratic over a file
      throw new WeightFormatException(
          file()
              + ": layer "
              + layer
              + ", tensor '"
              + name
              + "': expected shape "
              + expected
              + ", found no such tensor; available: "
              + TensorIndex.listed(names()));
    }
    Shape found = shape(name);
    if (!found.equals(expected)) {
      throw shapeMismatch(file(), layer, name, expected, found);
    }
    return get(name);
  }

  /** The error for a tensor whose shape does not fit a layer. */
  static WeightFormatException shapeMismatch(
      Path file, String layer, String tensor, Shape expected, Shape found) {
    return new WeightFormatException(
        file
            + ": layer "
            + layer
            + ", tensor '"
            + tensor
            + "': expected shape "
            + expected
            + ", found "
            + found);
  }

  /**
   * Opens a weight file by its extension: {@code .npy} (one tensor, named after the file without
   * the extension), {@code .npz} or {@code .safetensors}, with {@link WeightOptions#defaults()}:
   * integer and bool tensors are rejected when read.
   */
  static WeightSource open(Path file) throws IOException {
    return open(file, WeightOptions.defaults());
  }

  /**
   * As {@link #open(Path)}, reading with {@code options}; for example {@code
   * WeightSource.open(path, WeightOptions.convertIntegers())} converts integer tensors to float32.
   */
  static WeightSource open(Path file, WeightOptions options) throws IOException {
    java.util.Objects.requireNonNull(options, "options");
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".npy")) {
      return NpyFile.open(file, options);
    }
    if (name.endsWith(".npz")) {
      return NpzFile.open(file, options);
    }
    if (name.endsWith(".safetensors")) {
      return SafetensorsFile.open(file, options);
    }
    throw new WeightFormatException(
        file + ": unknown weight file extension, expected .npy, .npz or .safetensors");
  }
}
