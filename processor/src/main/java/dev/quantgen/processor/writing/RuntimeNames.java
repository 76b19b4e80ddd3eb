package dev.quantgen.processor.writing;

import com.palantir.javapoet.ClassName;

/**
 * The runtime types generated code uses, as JavaPoet names (strings, so the processor needs no
 * runtime classes on its own path).
 */
final class RuntimeNames {
  private static final String LAYER = "dev.quantgen.runtime.layer";
  private static final String NUMERICS = "dev.quantgen.runtime.numerics";
  private static final String CONV = "dev.quantgen.runtime.conv";
  private static final String KERNEL = "dev.quantgen.runtime.kernel";

  static final ClassName DENSE_LAYER = ClassName.get(LAYER, "DenseLayer");
  static final ClassName STATIC_LAYER = ClassName.get(LAYER, "StaticQuantizedLayer");
  static final ClassName DENSE_WEIGHTS = ClassName.get(LAYER, "DenseWeights");
  static final ClassName DENSE_CHAIN = ClassName.get(LAYER, "DenseChain");
  static final ClassName GENERATED_KERNELS = ClassName.get(LAYER, "GeneratedKernels");
  static final ClassName ACTIVATION_PARAMS = ClassName.get(LAYER, "ActivationParams");
  static final ClassName ACTIVATION_MODE = ClassName.get(LAYER, "ActivationMode");
  static final ClassName REQUANT_MODE = ClassName.get(NUMERICS, "RequantMode");
  static final ClassName ACTIVATION = ClassName.get(NUMERICS, "Activation");
  static final ClassName LAYER_MATH = ClassName.get(LAYER, "LayerMath");
  static final ClassName QUANTIZED_PARAMS = ClassName.get(LAYER, "QuantizedDenseParams");
  static final ClassName QUANTIZED_CONFIG = ClassName.get(LAYER, "QuantizedDenseConfig");
  static final ClassName STATIC_REQUANTIZATION = ClassName.get(LAYER, "StaticRequantization");
  static final ClassName FP16_PARAMS = ClassName.get(LAYER, "Fp16DenseParams");
  static final ClassName BINARY_PARAMS = ClassName.get(LAYER, "BinaryDenseParams");
  static final ClassName QUANT_TYPE = ClassName.get(NUMERICS, "QuantType");
  static final ClassName HALF = ClassName.get(NUMERICS, "Half");
  static final ClassName FLOAT_TENSOR = ClassName.get(NUMERICS, "FloatTensor");
  static final ClassName QUANT_PARAMS = ClassName.get(NUMERICS, "QuantParams");
  static final ClassName SHAPE = ClassName.get(NUMERICS, "Shape");
  static final ClassName WINDOW_2D = ClassName.get(CONV, "Window2d");
  static final ClassName WINDOW_GEOMETRY = ClassName.get(CONV, "WindowGeometry");
  static final ClassName PAD_MODE = ClassName.get(CONV, "PadMode");
  static final ClassName QUANTIZED_CONV = ClassName.get(CONV, "QuantizedConv2d");
  static final ClassName FP16_CONV = ClassName.get(CONV, "Fp16Conv2d");
  static final ClassName WEIGHT_QUANTIZED_CONV = ClassName.get(CONV, "WeightQuantizedConv2d");
  static final ClassName BINARY_CONV = ClassName.get(CONV, "BinaryConv2d");
  static final ClassName INT4_PACKING = ClassName.get(NUMERICS, "Int4Packing");
  static final ClassName KERNEL_SUPPORT = ClassName.get(KERNEL, "KernelSupport");
  static final ClassName WEIGHT_PANELS = ClassName.get(KERNEL, "WeightPanels");
  static final ClassName KERNELS = ClassName.get(KERNEL, "Kernels");
  static final ClassName ROWS = ClassName.get(KERNEL, "Rows");
  static final ClassName SPLIT_CALL = ClassName.get(KERNEL, "SplitCall");
  static final ClassName SPLIT_BODY = ClassName.get(KERNEL, "SplitCall", "Body");
  static final ClassName PRECISION = ClassName.get("dev.quantgen.annotations", "Precision");

  private RuntimeNames() {}
}
