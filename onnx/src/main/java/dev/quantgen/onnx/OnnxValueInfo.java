package dev.quantgen.onnx;

import java.util.Arrays;

/**
 * A graph input or output: its name, element type (ONNX name such as {@code float}) and dimensions,
 * with {@code -1} for a dimension that is symbolic or unknown.
 */
public record OnnxValueInfo(String name, String elementType, long[] dims) {
  public OnnxValueInfo {
    dims = dims.clone();
  }

  @Override
  public long[] dims() {
    return dims.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OnnxValueInfo v
        && name.equals(v.name)
        && elementType.equals(v.elementType)
        && Arrays.equals(dims, v.dims);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * name.hashCode() + elementType.hashCode()) + Arrays.hashCode(dims);
  }

  @Override
  public String toString() {
    return name + ": " + elementType + Arrays.toString(dims);
  }
}
