package dev.quantgen.quantize.weights;

import dev.quantgen.runtime.numerics.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The validated tensor entries of one weight file, by name in file order. Filled while the file
 * opens, then only read: {@link #names()} is a view (no copy per call) and {@link #contains} a hash
 * lookup, so reading every tensor of a file with a million of them stays linear.
 */
final class TensorIndex {
  /** Names listed in full in an error message; longer lists are cut there. */
  static final int LISTED_NAMES = 20;

  private final Path file;
  private final Map<String, TensorEntry> entries = new HashMap<>();
  private final List<String> names = new ArrayList<>();
  private final List<String> namesView = Collections.unmodifiableList(names);

  TensorIndex(Path file) {
    this.file = file;
  }

  void add(TensorEntry entry) throws WeightFormatException {
    if (entries.putIfAbsent(entry.name(), entry) != null) {
      throw new WeightFormatException(
          file + ": tensor '" + entry.name() + "' appears twice, expected unique names");
    }
    names.add(entry.name());
  }

  /** The names in file order: an unmodifiable view, the same list on every call. */
  List<String> names() {
    return namesView;
  }

  boolean contains(String name) {
    return entries.containsKey(name);
  }

  TensorEntry get(String name) throws WeightFormatException {
    TensorEntry e = entries.get(name);
    if (e == null) {
      throw new WeightFormatException(
          file + ": no tensor named '" + name + "'; available: " + listed(names));
    }
    return e;
  }

  /**
   * {@code names} for an error message: all of them in brackets, or the first {@link #LISTED_NAMES}
   * and the count, so that a missing name in a file of a million tensors is still a one-line error.
   */
  static String listed(List<String> names) {
    if (names.size() <= LISTED_NAMES) {
      return names.toString();
    }
    return "["
        + String.join(", ", names.subList(0, LISTED_NAMES))
        + ", ... ("
        + names.size()
        + " in all)]";
  }

  Shape shape(String name) throws WeightFormatException {
    return get(name).shape();
  }

  DType dtype(String name) throws WeightFormatException {
    return get(name).type();
  }

  /**
   * The element count of a shape read from a header, checked to fit a Java array (and so never
   * overflowing when multiplied by an element size).
   */
  static int elementCount(long[] dims, String where) throws WeightFormatException {
    long n = 1;
    for (int i = 0; i < dims.length; i++) {
      if (dims[i] < 0) {
        throw new WeightFormatException(
            where + ": dimension " + i + " is " + dims[i] + ", expected >= 0");
      }
      if (dims[i] > Integer.MAX_VALUE || (n = n * dims[i]) > Integer.MAX_VALUE - 8) {
        throw new WeightFormatException(
            where
                + ": shape "
                + java.util.Arrays.toString(dims)
                + " has more than 2^31 - 9 elements, expected a tensor that fits a Java array");
      }
    }
    return (int) n;
  }

  /** The shape of checked dimensions (see {@link #elementCount}). */
  static Shape shapeOf(long[] dims) {
    int[] d = new int[dims.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = (int) dims[i];
    }
    return Shape.of(d);
  }
}
