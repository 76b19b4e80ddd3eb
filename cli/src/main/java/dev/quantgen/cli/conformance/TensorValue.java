package dev.quantgen.cli.conformance;

import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.IntTensor;
import dev.quantgen.runtime.numerics.Shape;

/** A tensor of a conformance case: integer or floating point, as its ONNX dtype says. */
public sealed interface TensorValue {
  /** The ONNX type name: int8, uint4, float16, ... */
  String dtype();

  Shape shape();

  /** An integer tensor (int4 ... int32). */
  record Ints(IntTensor tensor) implements TensorValue {
    @Override
    public String dtype() {
      return tensor.type().onnxName();
    }

    @Override
    public Shape shape() {
      return tensor.shape();
    }
  }

  /** A float32 or float16 tensor. */
  record Floats(FloatTensor tensor) implements TensorValue {
    @Override
    public String dtype() {
      return tensor.type().onnxName();
    }

    @Override
    public Shape shape() {
      return tensor.shape();
    }
  }
}
