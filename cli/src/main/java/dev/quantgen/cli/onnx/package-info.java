/**
 * ONNX import and eval support: writes a model's annotated sources, compiles them in process with
 * the quantgen processor, loads the generated model and its test set.
 */
package dev.quantgen.cli.onnx;
