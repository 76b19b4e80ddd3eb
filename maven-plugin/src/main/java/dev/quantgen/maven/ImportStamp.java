package dev.quantgen.maven;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the last import of one model was made from and what it wrote: the SHA-256 of the model's
 * bytes and the settings, the files written (absolute, one per line) and each quantized layer with
 * its precision. An import whose hash matches and whose files all still exist is skipped; otherwise
 * the old files are deleted before the new ones are written, so a renamed layer leaves no stale
 * source.
 *
 * @param hash lower-case hex SHA-256 of the inputs
 * @param files the files the import wrote, absolute
 * @param quantized each layer class with a {@code @Quantize} and its precision, in layer order
 */
record ImportStamp(String hash, List<Path> files, Map<String, String> quantized) {
  private static final String HASH = "sha256=";
  private static final String FILE = "file=";
  private static final String LAYER = "layer=";

  ImportStamp {
    files = List.copyOf(files);
    quantized = Collections.unmodifiableMap(new LinkedHashMap<>(quantized));
  }

  /** The hash of a model's bytes and the settings text its outputs depend on. */
  static String hash(byte[] model, String settings) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(settings.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(model);
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  /**
   * The stamp in {@code file}, or empty if there is none or it cannot be read as one (then:
   * regenerate): no hash, text that is not UTF-8, or a file entry that is not an absolute path
   * ({@link #write} writes absolute ones; a relative one would be resolved against the working
   * directory).
   */
  static Optional<ImportStamp> read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
    String hash = null;
    List<Path> files = new ArrayList<>();
    Map<String, String> quantized = new LinkedHashMap<>();
    for (String line : lines) {
      if (line.startsWith(HASH)) {
        hash = line.substring(HASH.length());
      } else if (line.startsWith(FILE)) {
        Path path;
        try {
          path = Path.of(line.substring(FILE.length()));
        } catch (InvalidPathException e) {
          return Optional.empty();
        }
        if (!path.isAbsolute()) {
          return Optional.empty();
        }
        files.add(path);
      } else if (line.startsWith(LAYER) && line.indexOf(':') > 0) {
        int colon = line.lastIndexOf(':');
        quantized.put(line.substring(LAYER.length(), colon), line.substring(colon + 1));
      }
    }
    return hash == null ? Optional.empty() : Optional.of(new ImportStamp(hash, files, quantized));
  }

  /** True when this stamp records {@code hash} and every file it lists still exists. */
  boolean upToDate(String expectedHash) {
    return hash.equals(expectedHash) && files.stream().allMatch(Files::isRegularFile);
  }

  /** Writes this stamp to {@code file}, creating its folder. */
  void write(Path file) throws IOException {
    StringBuilder text = new StringBuilder(HASH).append(hash).append('\n');
    for (Path f : files) {
      text.append(FILE).append(f.toAbsolutePath()).append('\n');
    }
    quantized.forEach(
        (layer, precision) ->
            text.append(LAYER).append(layer).append(':').append(precision).append('\n'));
    Files.createDirectories(file.getParent());
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }
}
