/**
 * Reading and checking the annotations: every error points at the element and attribute at fault
 * and says the fix; a valid class becomes a spec of {@code dev.quantgen.processor.model}.
 */
package dev.quantgen.processor.validation;
