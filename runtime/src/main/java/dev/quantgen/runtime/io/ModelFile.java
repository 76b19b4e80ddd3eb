package dev.quantgen.runtime.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A quantized model as one file ({@code .qgen}): string metadata and named tensors of any {@link
 * TensorType}. Immutable; build one with {@link #builder()}.
 *
 * <p>{@link #write} replaces the target atomically (temporary file in the same directory, then a
 * move); {@link #read} validates magic, version, every size against the file length before
 * allocating, and CRC-32C checksums of the header and of the whole file. Saving then loading gives
 * back equal tensors, byte for byte. The layout is described in {@link ModelFileFormat}.
 */
public final class ModelFile {
  /** The conventional file extension. */
  public static final String EXTENSION = ".qgen";

  private final Map<String, String> metadata;
  private final Map<String, ModelTensor> tensors;

  private ModelFile(Map<String, String> metadata, Map<String, ModelTensor> tensors) {
    this.metadata = Collections.unmodifiableMap(metadata);
    this.tensors = Collections.unmodifiableMap(tensors);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Reads and validates a model file. */
  public static ModelFile read(Path file) throws IOException {
    return ModelFileFormat.read(file);
  }

  /** Writes this model atomically, replacing {@code file} if it exists. */
  public void write(Path file) throws IOException {
    ModelFileFormat.write(this, file);
  }

  /** The metadata, in insertion order. */
  public Map<String, String> metadata() {
    return metadata;
  }

  /** The tensor names, in insertion order. */
  public List<String> tensorNames() {
    return new ArrayList<>(tensors.keySet());
  }

  public List<ModelTensor> tensors() {
    return new ArrayList<>(tensors.values());
  }

  /**
   * A tensor by name.
   *
   * @throws IllegalArgumentException naming the tensor and listing the available ones
   */
  public ModelTensor tensor(String name) {
    ModelTensor t = tensors.get(name);
    if (t == null) {
      throw new IllegalArgumentException(
          "no tensor named '" + name + "'; available: " + tensors.keySet());
    }
    return t;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ModelFile m
        && metadata.equals(m.metadata)
        && tensors.equals(m.tensors)
        && tensorNames().equals(m.tensorNames());
  }

  @Override
  public int hashCode() {
    return 31 * metadata.hashCode() + tensors.hashCode();
  }

  /** Collects metadata and tensors; names must be unique. */
  public static final class Builder {
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private final Map<String, ModelTensor> tensors = new LinkedHashMap<>();

    private Builder() {}

    /**
     * Adds a metadata entry.
     *
     * @throws IllegalArgumentException if the key is empty or already present
     */
    public Builder metadata(String key, String value) {
      if (key == null || key.isEmpty() || value == null) {
        throw new IllegalArgumentException(
            "metadata key '"
                + key
                + "' = '"
                + value
                + "': expected a non-empty key and a non-null value");
      }
      if (metadata.putIfAbsent(key, value) != null) {
        throw new IllegalArgumentException(
            "metadata key '" + key + "' is already set, expected unique keys");
      }
      return this;
    }

    /**
     * Adds a tensor.
     *
     * @throws IllegalArgumentException if a tensor of that name is already present
     */
    public Builder tensor(ModelTensor tensor) {
      if (tensors.putIfAbsent(tensor.name(), tensor) != null) {
        throw new IllegalArgumentException(
            "tensor '" + tensor.name() + "' is already added, expected unique names");
      }
      return this;
    }

    public ModelFile build() {
      return new ModelFile(new LinkedHashMap<>(metadata), new LinkedHashMap<>(tensors));
    }
  }
}
