/**
 * What the processor knows of a layer or model once its annotations are valid: shapes, the variants
 * to generate and their parameters, free of javax.lang.model types.
 */
package dev.quantgen.processor.model;
