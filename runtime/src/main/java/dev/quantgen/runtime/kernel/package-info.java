/**
 * The bulk inner loops generated and runtime kernels call: {@link
 * dev.quantgen.runtime.kernel.KernelSupport}, a scalar implementation and a Vector API one chosen
 * at run time by {@link dev.quantgen.runtime.kernel.Kernels}.
 */
package dev.quantgen.runtime.kernel;
