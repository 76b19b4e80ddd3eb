package dev.quantgen.onnx;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Tensor data an ONNX file keeps beside it ({@code data_location = EXTERNAL}: PyTorch's exporter
 * writes {@code model.onnx.data} by default), read as the tensor's {@code raw_data}.
 *
 * <p>A model file is untrusted input, and {@code location} a path it names: it must be a relative
 * path that stays inside the model's directory, also once symbolic links are followed (no absolute
 * path, no {@code ..}), name a regular file, and {@code offset} and {@code length} must lie inside
 * that file. Every refusal names the model, the tensor, the field and what was expected; nothing
 * outside the model's directory is ever opened.
 */
final class ExternalData {
  private final String source;
  private final Path directory;

  /**
   * @param source the model's name in messages
   * @param directory the directory of the model file, or null when the model was parsed from bytes
   *     (then external data is refused)
   */
  ExternalData(String source, Path directory) {
    this.source = source;
    this.directory = directory;
  }

  /** The bytes {@code t} keeps outside the model file. */
  ByteString read(OnnxMl.TensorProto t) throws OnnxFormatException {
    String where = source + ": tensor '" + t.getName() + "'";
    String location = null;
    long offset = 0;
    long length = -1;
    for (OnnxMl.StringStringEntryProto e : t.getExternalDataList()) {
      switch (e.getKey()) {
        case "location" -> location = e.getValue();
        case "offset" -> offset = number(where, "offset", e.getValue());
        case "length" -> length = number(where, "length", e.getValue());
        default -> {} // "checksum" and keys of later ONNX versions change no byte read
      }
    }
    if (directory == null) {
      throw new OnnxFormatException(
          where + " keeps its data in an external file: expected a model read from a file");
    }
    Path file = resolve(where, location);
    long size = size(where, location, file);
    long end = length < 0 ? size : offset + length;
    if (offset > size || end > size || end < offset) {
      throw new OnnxFormatException(
          where
              + ": external data offset "
              + offset
              + " length "
              + (length < 0 ? "(rest of file)" : length)
              + " in "
              + location
              + " ("
              + size
              + " bytes): expected a range inside the file (truncated or mismatched data file)");
    }
    if (end - offset > Integer.MAX_VALUE - 8) {
      throw new OnnxFormatException(
          where + ": external data of " + (end - offset) + " bytes: expected less than 2 GiB");
    }
    ByteBuffer bytes = ByteBuffer.allocate((int) (end - offset));
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      while (bytes.hasRemaining()) {
        if (channel.read(bytes, offset + bytes.position()) < 0) {
          break; // the file shrank since its size was read
        }
      }
    } catch (IOException e) {
      throw new OnnxFormatException(
          where + ": cannot read external data file " + location + " (" + e + ")", e);
    }
    if (bytes.hasRemaining()) {
      throw new OnnxFormatException(
          where + ": " + location + " ended while reading its external data (truncated)");
    }
    return ByteString.copyFrom(bytes.flip());
  }

  private static long size(String where, String location, Path file) throws OnnxFormatException {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new OnnxFormatException(
          where + ": cannot read external data file " + location + " (" + e + ")", e);
    }
  }

  /**
   * The data file, refused unless it lies inside the model's directory (checked on the normalized
   * path and again on the real path, so a symbolic link cannot lead outside).
   */
  private Path resolve(String where, String location) throws OnnxFormatException {
    if (location == null || location.isEmpty()) {
      throw new OnnxFormatException(
          where + " keeps its data in an external file but gives no 'location': expected one");
    }
    Path relative;
    try {
      relative = Path.of(location);
    } catch (java.nio.file.InvalidPathException e) {
      throw new OnnxFormatException(
          where + ": external data location '" + location + "' is not a valid path", e);
    }
    Path base = directory.toAbsolutePath().normalize();
    Path file = base.resolve(relative).normalize();
    boolean escapes =
        relative.isAbsolute()
            || location.startsWith("/")
            || location.startsWith("\\")
            || !file.startsWith(base)
            || file.equals(base);
    for (Path part : relative) {
      escapes |= part.toString().equals("..");
    }
    if (escapes) {
      throw new OnnxFormatException(
          where
              + ": external data location '"
              + location
              + "': expected a relative path inside the model's directory");
    }
    if (!Files.isRegularFile(file)) {
      throw new OnnxFormatException(
          where
              + ": external data file '"
              + location
              + "' not found beside the model: expected "
              + file);
    }
    boolean inside;
    try {
      inside = file.toRealPath().startsWith(base.toRealPath());
    } catch (IOException e) {
      throw new OnnxFormatException(
          where + ": cannot resolve external data file '" + location + "' (" + e + ")", e);
    }
    if (!inside) {
      throw new OnnxFormatException(
          where
              + ": external data location '"
              + location
              + "' leads outside the model's directory through a link: expected a file inside it");
    }
    return file;
  }

  private static long number(String where, String key, String value) throws OnnxFormatException {
    try {
      long n = Long.parseLong(value);
      if (n < 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new OnnxFormatException(
          where + ": external data " + key + " '" + value + "': expected a non-negative integer",
          e);
    }
  }
}
