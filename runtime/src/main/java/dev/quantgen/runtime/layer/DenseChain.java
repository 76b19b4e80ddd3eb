package dev.quantgen.runtime.layer;

import dev.quantgen.runtime.kernel.RowRange;
import dev.quantgen.runtime.kernel.Rows;
import dev.quantgen.runtime.numerics.FixedPoint;
import java.util.List;

/**
 * Runs dense layers in sequence, float in and float out. Between two consecutive {@link
 * StaticQuantizedLayer}s the activations stay int8: when the first layer's output params equal the
 * second's input params the bytes pass unchanged; otherwise they are requantized integer-only.
 * Allocation-free per call (per-thread scratch), immutable and thread-safe. Generated model classes
 * build one from their layers' generated kernels.
 */
public final class DenseChain {
  /**
   * Samples a large batch runs through every layer at a time: enough that each weight a product
   * loads serves many samples, few enough that a block's activations stay in the core's cache (64 x
   * 784 floats are 200 KB) instead of streaming the whole batch once per group of rows.
   */
  public static final int BLOCK = 64;

  /**
   * Samples in a thread's share of a batch of at most {@link #BLOCK}: a whole register tile of the
   * batched products (eight samples at 512 bits).
   */
  static final int SHARE = 8;

  private final DenseLayer[] layers;
  private final ThreadLocal<Scratch> scratch;
  private final long macsPerSample;

  /** Per thread: the arguments of a batch split across threads, reused so a call allocates none. */
  private final ThreadLocal<BlockCall> blockCalls =
      ThreadLocal.withInitial(() -> new BlockCall(this));

  /**
   * Per thread: [0] for full blocks, [1] for a shorter (last) block, so neither reallocates per
   * call.
   */
  private final ThreadLocal<BatchScratch[]> batchScratch =
      ThreadLocal.withInitial(() -> new BatchScratch[] {new BatchScratch(), new BatchScratch()});

  /**
   * @throws IllegalArgumentException if the list is empty or a layer's input size differs from the
   *     previous layer's output size
   */
  public DenseChain(List<? extends DenseLayer> layers) {
    if (layers.isEmpty()) {
      throw new IllegalArgumentException("layers: expected at least one layer, got none");
    }
    this.layers = layers.toArray(new DenseLayer[0]);
    for (int k = 1; k < this.layers.length; k++) {
      if (this.layers[k].inputSize() != this.layers[k - 1].outputSize()) {
        throw new IllegalArgumentException(
            "layers["
                + k
                + "]: expected input size "
                + this.layers[k - 1].outputSize()
                + " (the output of layers["
                + (k - 1)
                + "]), got "
                + this.layers[k].inputSize());
      }
    }
    this.scratch = ThreadLocal.withInitial(() -> new Scratch(this.layers));
    long macs = 0;
    for (DenseLayer layer : this.layers) {
      macs += (long) layer.inputSize() * layer.outputSize();
    }
    this.macsPerSample = macs;
  }

  /** Number of layers. */
  public int size() {
    return layers.length;
  }

  /** Layer {@code k}. */
  public DenseLayer layer(int k) {
    return layers[k];
  }

  /** Input size of the first layer. */
  public int inputSize() {
    return layers[0].inputSize();
  }

  /** Output size of the last layer. */
  public int outputSize() {
    return layers[layers.length - 1].outputSize();
  }

  /**
   * Runs every layer.
   *
   * @throws IllegalArgumentException if {@code x} or {@code y} has the wrong length
   */
  public void forward(float[] x, float[] y) {
    LayerMath.requireLength("x", x.length, inputSize());
    LayerMath.requireLength("y", y.length, outputSize());
    Scratch s = scratch.get();
    float[] in = x;
    boolean quantizedIn = false; // true when s.bytes[k] already holds layer k's int8 input
    for (int k = 0; k < layers.length; k++) {
      DenseLayer layer = layers[k];
      boolean last = k == layers.length - 1;
      float[] out = last ? y : s.floats[k];
      if (layer instanceof StaticQuantizedLayer q) {
        if (!quantizedIn) {
          q.quantizeInput(in, s.bytes[k]);
        }
        q.forwardQuantized(s.bytes[k], s.bytes[k + 1]);
        StaticQuantizedLayer next =
            last ? null : layers[k + 1] instanceof StaticQuantizedLayer n ? n : null;
        if (next != null) {
          requantize(s.bytes[k + 1], q.outputParams(), next.inputParams());
          quantizedIn = true;
          continue;
        }
        q.dequantizeOutput(s.bytes[k + 1], out);
      } else {
        layer.forward(in, out);
      }
      quantizedIn = false;
      in = out;
    }
  }

  /**
   * Runs every layer on a batch: {@code x} holds {@code batch} inputs one after the other, {@code
   * y} receives the outputs alike, as each layer's {@link DenseLayer#forwardBatch} computes them
   * (integer paths equal {@link #forward}'s bit for bit). Consecutive static layers pass the whole
   * batch as int8 through their batched products ({@link
   * StaticQuantizedLayer#forwardQuantizedBatch}), which reuse each weight across the samples.
   *
   * <p>A batch runs in blocks of at most {@link #BLOCK} samples, each block through every layer on
   * one thread; the samples are shared among the cores (in whole blocks, or in shares of eight
   * below {@link #BLOCK}) when there is enough work, else a large layer's rows split across cores.
   * A sample's result depends on neither its block nor its thread (the batched products sum each
   * sample on its own), so it does not depend on the thread count.
   *
   * @throws IllegalArgumentException if {@code batch < 1} or a buffer is not {@code batch} vectors
   *     long
   */
  public void forwardBatch(float[] x, float[] y, int batch) {
    LayerMath.requireBatch("x", x.length, batch, inputSize());
    LayerMath.requireBatch("y", y.length, batch, outputSize());
    if (batch < 2 * SHARE) {
      forwardBlock(x, y, batch);
      return;
    }
    // Samples per core rather than each layer's rows per core: a batch hands over once instead of
    // once per layer and block (32 hand-overs for 1,000 images through the demo's MLP, 2 for 64:
    // its 10-row head never splits),
    // so a core taken by another process delays one part, not every layer; within a part the
    // layers run on its thread (the workers are owned by this split, see Rows). Measured on the
    // demo's MLP, each way in turn in one JVM: batch 64 FP32 98 us against 118, INT8 109 against
    // 133; 1,000 images about 1.9x faster with another process on the second core.
    BlockCall call = blockCalls.get();
    call.x = x;
    call.y = y;
    try {
      Rows.forEach(batch, macsPerSample, batch <= BLOCK ? SHARE : BLOCK, call);
    } finally {
      call.x = null;
      call.y = null;
    }
  }

  /** One thread's share of a split batch: its rows, block by block. */
  private static final class BlockCall implements RowRange {
    private final DenseChain chain;
    float[] x;
    float[] y;

    BlockCall(DenseChain chain) {
      this.chain = chain;
    }

    @Override
    public void run(int from, int to) {
      chain.blocks(x, y, from, to);
    }
  }

  /**
   * Runs rows {@code [from, to)} of {@code x} ({@link #inputSize()} floats each, stored one after
   * another) into the same rows of {@code y}, each equal to {@link #forward}'s; other rows of
   * {@code y} are left alone. For a batch split across threads: each thread runs its own rows.
   *
   * @throws IllegalArgumentException if {@code from > to}, {@code from < 0}, or a buffer holds
   *     fewer than {@code to} rows
   */
  public void forwardRows(float[] x, float[] y, int from, int to) {
    if (from < 0 || from > to) {
      throw new IllegalArgumentException(
          "rows: expected 0 <= from <= to, got [" + from + ", " + to + ")");
    }
    requireRows("x", x.length, to, inputSize());
    requireRows("y", y.length, to, outputSize());
    blocks(x, y, from, to);
  }

  private static void requireRows(String name, int length, int rows, int size) {
    if ((long) length < (long) rows * size) {
      throw new IllegalArgumentException(
          name
              + ": expected at least "
              + (long) rows * size
              + " floats ("
              + rows
              + " rows x "
              + size
              + "), got "
              + length);
    }
  }

  /**
   * Rows {@code [from, to)} in blocks of {@link #BLOCK}, each copied in and out of block scratch.
   */
  private void blocks(float[] x, float[] y, int from, int to) {
    int in = inputSize();
    int out = outputSize();
    BatchScratch[] s = batchScratch.get();
    for (int start = from; start < to; start += BLOCK) {
      int n = Math.min(BLOCK, to - start);
      BatchScratch io = (n == BLOCK ? s[0] : s[1]).sizedFor(layers, n);
      System.arraycopy(x, start * in, io.input, 0, n * in);
      forwardBlock(io.input, io.output, n);
      System.arraycopy(io.output, 0, y, start * out, n * out);
    }
  }

  /** {@link #forwardBatch} of at most {@link #BLOCK} samples: every layer on the whole block. */
  private void forwardBlock(float[] x, float[] y, int batch) {
    BatchScratch[] blocks = batchScratch.get();
    BatchScratch s = (batch == BLOCK ? blocks[0] : blocks[1]).sizedFor(layers, batch);
    float[] in = x;
    boolean quantizedIn = false; // true when s.bytes[k] already holds layer k's int8 inputs
    for (int k = 0; k < layers.length; k++) {
      DenseLayer layer = layers[k];
      boolean last = k == layers.length - 1;
      float[] out = last ? y : s.floats[k];
      if (layer instanceof StaticQuantizedLayer q) {
        if (!quantizedIn) {
          q.quantizeInputBatch(in, s.bytes[k], batch);
        }
        q.forwardQuantizedBatch(s.bytes[k], s.bytes[k + 1], batch);
        StaticQuantizedLayer next =
            last ? null : layers[k + 1] instanceof StaticQuantizedLayer n ? n : null;
        if (next != null) {
          requantize(s.bytes[k + 1], q.outputParams(), next.inputParams());
          quantizedIn = true;
          continue;
        }
        q.dequantizeOutputBatch(s.bytes[k + 1], out, batch);
      } else {
        layer.forwardBatch(in, out, batch);
      }
      quantizedIn = false;
      in = out;
    }
  }

  /**
   * Runs every layer and returns each layer's float output (for calibration and per-layer SQNR);
   * static layers' outputs are dequantized. Allocates its result.
   */
  public float[][] trace(float[] x) {
    LayerMath.requireLength("x", x.length, inputSize());
    float[][] outputs = new float[layers.length][];
    float[] in = x;
    for (int k = 0; k < layers.length; k++) {
      outputs[k] = new float[layers[k].outputSize()];
      layers[k].forward(in, outputs[k]);
      in = outputs[k];
    }
    return outputs;
  }

  /** Maps int8 values from one boundary's params to another's, integer-only; a no-op when equal. */
  static void requantize(byte[] q, ActivationParams from, ActivationParams to) {
    if (from.equals(to)) {
      return;
    }
    FixedPoint.Multiplier m = FixedPoint.quantizeMultiplier((double) from.scale() / to.scale());
    for (int i = 0; i < q.length; i++) {
      q[i] =
          (byte)
              LayerMath.requantize(
                  q[i] - from.zeroPoint(), m.multiplier(), m.shift(), to.zeroPoint(), -128, 127);
    }
  }

  /**
   * Per-thread buffers of one block of {@link #forwardBatch} (its input and output copies, each
   * inner layer's float output, the int8 activation at each boundary), reallocated when the block
   * size changes.
   */
  private static final class BatchScratch {
    int batch;
    float[][] floats;
    byte[][] bytes;
    float[] input;
    float[] output;

    BatchScratch sizedFor(DenseLayer[] layers, int size) {
      if (floats == null || batch != size) {
        batch = size;
        input = new float[size * layers[0].inputSize()];
        output = new float[size * layers[layers.length - 1].outputSize()];
        floats = new float[layers.length][];
        bytes = new byte[layers.length + 1][];
        bytes[0] = new byte[size * layers[0].inputSize()];
        for (int k = 0; k < layers.length; k++) {
          floats[k] = new float[size * layers[k].outputSize()];
          bytes[k + 1] = new byte[size * layers[k].outputSize()];
        }
      }
      return this;
    }
  }

  /**
   * Per-thread buffers: the float output of each inner layer and the int8 activation at each
   * boundary.
   */
  private static final class Scratch {
    final float[][] floats;
    final byte[][] bytes;

    Scratch(DenseLayer[] layers) {
      floats = new float[layers.length][];
      bytes = new byte[layers.length + 1][];
      bytes[0] = new byte[layers[0].inputSize()];
      for (int k = 0; k < layers.length; k++) {
        floats[k] = new float[layers[k].outputSize()];
        bytes[k + 1] = new byte[layers[k].outputSize()];
      }
    }
  }
}
