/**
 * A user's smallest quantgen project, as the README's step 2 sets it up: one annotated layer,
 * {@link com.example.tiny.Tiny}, whose kernels the processor generates at compile time, and {@link
 * com.example.tiny.TinyDemo}, which prepares the generated int8 kernel and runs it once.
 */
package com.example.tiny;
