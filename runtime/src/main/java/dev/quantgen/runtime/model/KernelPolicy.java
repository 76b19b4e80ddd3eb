package dev.quantgen.runtime.model;

/**
 * What a model does with a layer that none of the handed-over generated kernels matches (another
 * shape, fused activation, precision, scheme, granularity or activation mode than the
 * {@code @Model} declared). Only asked when generated kernels are handed over: without them every
 * layer runs on the runtime's own kernels, as it always has.
 */
public enum KernelPolicy {
  /**
   * The default: a layer without a matching generated kernel is an error ({@link
   * KernelMismatchException}) naming the layer, what its generated kernels accept and what the
   * layer has. Handing over a model's kernels means "run on them", so a mismatch is a bug in the
   * model or the annotations, never a reason to run silently on slower kernels.
   */
  GENERATED_ONLY,

  /**
   * Run a layer without a matching generated kernel on the runtime's own kernel for its parameters
   * (same values, integer pipelines bit for bit, but scalar and slower). The session says once
   * which layers run on which kernels ({@link QuantizedModel#kernelSummary()}).
   */
  ALLOW_RUNTIME_KERNELS
}
