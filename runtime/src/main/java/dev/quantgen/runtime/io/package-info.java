/**
 * The {@code .qgen} container: {@link dev.quantgen.runtime.io.ModelFile} (named tensors and
 * metadata with CRC-32C checksums), read strictly and written atomically.
 */
package dev.quantgen.runtime.io;
