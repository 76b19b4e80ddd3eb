/**
 * The {@code quantgen-maven-plugin}: its {@code generate} goal ({@link
 * dev.quantgen.maven.GenerateMojo}) turns each {@code .onnx} file of a build into annotated layer
 * sources and a weights resource in {@code generate-sources}, so javac's quantgen processor
 * generates the kernels in the same build; an unchanged model (same bytes, same settings: {@code
 * ImportStamp}) is not imported again.
 */
package dev.quantgen.maven;
