package dev.quantgen.training.network;

import java.util.ArrayList;
import java.util.List;

/**
 * A residual block: {@code y = f(x) + x}, where {@code f} is a chain of layers whose output has the
 * shape of its input (ONNX {@code Add} of a branch and the value it started from). The backward
 * pass adds the skip connection's gradient to the branch's: {@code dx = df/dx^T dy + dy}.
 *
 * <p>The block's parameters are its layers' parameters in order, and its gradients align with them,
 * so the trainer and the optimizer see the block as one layer.
 */
public final class Residual implements Layer {
  private final List<Layer> branch;

  private Residual(List<Layer> branch) {
    this.branch = branch;
  }

  /**
   * @throws IllegalArgumentException if the branch is empty, a layer's input size differs from the
   *     previous layer's output size, or the branch's output size differs from its input size
   */
  public static Residual of(List<? extends Layer> branch) {
    Network chain = Network.of(branch); // checks the sizes along the chain
    if (chain.outputSize() != chain.inputSize()) {
      throw new IllegalArgumentException(
          "residual branch maps "
              + chain.inputSize()
              + " values to "
              + chain.outputSize()
              + ": expected the same size, to add its input");
    }
    return new Residual(chain.layers());
  }

  /** The layers of {@code f}, in order. */
  public List<Layer> branch() {
    return branch;
  }

  @Override
  public int inputSize() {
    return branch.get(0).inputSize();
  }

  @Override
  public int outputSize() {
    return inputSize();
  }

  @Override
  public List<float[]> parameters() {
    List<float[]> all = new ArrayList<>();
    for (Layer layer : branch) {
      all.addAll(layer.parameters());
    }
    return all;
  }

  @Override
  public void beginStep(boolean training) {
    for (Layer layer : branch) {
      layer.beginStep(training);
    }
  }

  @Override
  public void endStep(List<LayerPass> passes) {
    for (int l = 0; l < branch.size(); l++) {
      List<LayerPass> inner = new ArrayList<>(passes.size());
      for (LayerPass pass : passes) {
        inner.add(((Pass) pass).passes.get(l));
      }
      branch.get(l).endStep(inner);
    }
  }

  @Override
  public LayerPass newPass(int maxRows) {
    return new Pass(maxRows);
  }

  private final class Pass implements LayerPass {
    private final List<LayerPass> passes = new ArrayList<>();
    private final float[] y;
    private final float[] dx;
    private final float[][] grads;

    Pass(int maxRows) {
      List<float[]> all = new ArrayList<>();
      for (Layer layer : branch) {
        LayerPass pass = layer.newPass(maxRows);
        passes.add(pass);
        all.addAll(List.of(pass.gradients()));
      }
      grads = all.toArray(new float[0][]);
      y = new float[maxRows * outputSize()];
      dx = new float[maxRows * inputSize()];
    }

    @Override
    public float[] forward(float[] x, int rows, boolean training) {
      float[] f = Network.forward(passes, x, rows, training);
      for (int i = 0; i < rows * outputSize(); i++) {
        y[i] = f[i] + x[i];
      }
      return y;
    }

    @Override
    public float[] backward(float[] dy, int rows, boolean inputGradient) {
      float[] g = dy;
      for (int l = passes.size() - 1; l >= 0; l--) {
        // the branch's first layer needs its input gradient only for the block's
        g = passes.get(l).backward(g, rows, l > 0 || inputGradient);
      }
      if (!inputGradient) {
        return null;
      }
      for (int i = 0; i < rows * inputSize(); i++) {
        dx[i] = g[i] + dy[i];
      }
      return dx;
    }

    @Override
    public float[][] gradients() {
      return grads;
    }
  }
}
