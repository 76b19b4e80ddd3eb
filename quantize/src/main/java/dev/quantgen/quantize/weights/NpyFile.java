package dev.quantgen.quantize.weights;

import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * One NumPy {@code .npy} array as a {@link WeightSource} holding a single tensor named after the
 * file ({@code fc1.weight.npy} holds {@code fc1.weight}).
 */
final class NpyFile implements WeightSource {
  private final Path file;
  private final FileChannel channel;
  private final TensorIndex index;
  private final WeightOptions options;

  private NpyFile(Path file, FileChannel channel, TensorIndex index, WeightOptions options) {
    this.options = options;
    this.file = file;
    this.channel = channel;
    this.index = index;
  }

  static NpyFile open(Path file) throws IOException {
    return open(file, WeightOptions.defaults());
  }

  static NpyFile open(Path file, WeightOptions options) throws IOException {
    FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
    try {
      // The stream over the channel is not closed: that would close the channel we keep.
      NpyHeader h =
          NpyHeader.read(
              Channels.newInputStream(channel.position(0)), channel.size(), file.toString());
      String name = file.getFileName().toString();
      name = name.substring(0, name.length() - ".npy".length());
      TensorIndex index = new TensorIndex(file);
      index.add(
          new TensorEntry(
              name, h.type, TensorIndex.shapeOf(h.dims), h.dataOffset, h.dataBytes(), h.bigEndian));
      return new NpyFile(file, channel, index, options);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  @Override
  public Path file() {
    return file;
  }

  @Override
  public List<String> names() {
    return index.names();
  }

  @Override
  public boolean contains(String name) {
    return index.contains(name);
  }

  @Override
  public Shape shape(String name) throws WeightFormatException {
    return index.shape(name);
  }

  @Override
  public DType dtype(String name) throws WeightFormatException {
    return index.dtype(name);
  }

  @Override
  public FloatTensor get(String name) throws IOException {
    TensorEntry e = index.get(name);
    options.check(file, name, e.type());
    ByteBuffer data =
        FileRanges.read(
            channel, e.offset(), (int) e.byteLength(), file + ", tensor '" + name + "'");
    data.order(e.bigEndian() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
    return FloatTensor.of(e.shape(), e.type().toFloats(data, e.shape().size()));
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
