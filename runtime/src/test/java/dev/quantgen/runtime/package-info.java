/**
 * Tests of the runtime as a whole: {@code RuntimeBoundaryTest} keeps it inference-only (its sources
 * import the JDK and the runtime alone, its classes live in the inference packages).
 */
package dev.quantgen.runtime;
