"""Trains a small residual network on Fashion-MNIST in PyTorch and exports it to ONNX.

The files this writes are test fixtures of quantgen's ONNX import (onnx/src/test/resources/pytorch):
they show that a model exported by PyTorch, not by quantgen, goes through `./quantgen eval` with the
accuracy PyTorch measured. Not run by the build (CI has no PyTorch); rerun by hand to regenerate:

    python3 -m venv /tmp/tv && /tmp/tv/bin/pip install torch onnx onnxscript numpy
    /tmp/tv/bin/python tools/pytorch/fashion_residual.py /usr/share/datasets/fashion-mnist \
        onnx/src/test/resources/pytorch

The network is a MobileNetV2-style stem and inverted residual block (expand 1x1, depthwise 3x3,
project 1x1, the block's input added to its linear output), a strided 3x3 convolution, a global
average pool and a linear classifier: every operator quantgen's graph import lowers (Conv with
BatchNormalization folded by the exporter or not, Relu, Clip(0, 6), MaxPool, Add of two activations,
GlobalAveragePool, Flatten, Gemm). Inputs are pixels / 255, as `./quantgen eval` feeds them.
"""

import gzip
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn


def idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


class InvertedResidual(nn.Module):
    def __init__(self, channels, expansion):
        super().__init__()
        hidden = channels * expansion
        self.expand = nn.Conv2d(channels, hidden, 1)
        self.depthwise = nn.Conv2d(hidden, hidden, 3, padding=1, groups=hidden)
        self.project = nn.Conv2d(hidden, channels, 1)

    def forward(self, x):
        y = torch.clamp(self.expand(x), 0.0, 6.0)
        y = torch.clamp(self.depthwise(y), 0.0, 6.0)
        return x + self.project(y)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(1, 16, 3, padding=1)
        self.bn = nn.BatchNorm2d(16)
        self.pool = nn.MaxPool2d(2)
        self.block = InvertedResidual(16, 2)
        self.down = nn.Conv2d(16, 32, 3, stride=2, padding=1)
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(32, 10)

    def forward(self, x):
        x = self.pool(torch.relu(self.bn(self.stem(x))))
        x = self.block(x)
        x = torch.relu(self.down(x))
        x = torch.flatten(self.gap(x), 1)
        return self.fc(x)


def main(data_dir, out_dir):
    torch.manual_seed(7)
    torch.set_num_threads(2)
    train_x = torch.tensor(idx(os.path.join(data_dir, "train-images-idx3-ubyte.gz")), dtype=torch.float32)
    train_y = torch.tensor(idx(os.path.join(data_dir, "train-labels-idx1-ubyte.gz")), dtype=torch.int64)
    test_x = torch.tensor(idx(os.path.join(data_dir, "t10k-images-idx3-ubyte.gz")), dtype=torch.float32)
    test_y = torch.tensor(idx(os.path.join(data_dir, "t10k-labels-idx1-ubyte.gz")), dtype=torch.int64)
    train_x = (train_x / 255.0).unsqueeze(1)
    test_x = (test_x / 255.0).unsqueeze(1)

    net = Net()
    opt = torch.optim.Adam(net.parameters(), lr=3e-3)
    # Short on purpose (a few CPU minutes): the fixture is about agreement with PyTorch, not about
    # the best accuracy this network can reach.
    epochs, batch = 2, 256
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=1e-2, total_steps=epochs * (60000 // batch + 1))
    for epoch in range(epochs):
        net.train()
        perm = torch.randperm(60000)
        for i in range(0, 60000, batch):
            if i % (batch * 50) == 0:
                print(f"epoch {epoch + 1}: {i} images", flush=True)
            b = perm[i : i + batch]
            opt.zero_grad()
            loss = nn.functional.cross_entropy(net(train_x[b]), train_y[b])
            loss.backward()
            opt.step()
            sched.step()
        net.eval()
        with torch.no_grad():
            pred = net(test_x).argmax(1)
        print(f"epoch {epoch + 1}: test accuracy {(pred == test_y).float().mean().item():.4f}", flush=True)

    net.eval()
    with torch.no_grad():
        logits = net(test_x)
    pred = logits.argmax(1)
    accuracy = (pred == test_y).float().mean().item()
    os.makedirs(out_dir, exist_ok=True)
    example = test_x[:1]
    # The TorchScript exporter (dynamo=False) keeps BatchNormalization as its own node at opset 13;
    # the dynamo exporter (the default since PyTorch 2.9) writes opset 18 and folds nothing either.
    torch.onnx.export(net, (example,), os.path.join(out_dir, "fashion-residual-torchscript.onnx"),
                      input_names=["image"], output_names=["logits"], opset_version=13, dynamo=False)
    torch.onnx.export(net, (example,), os.path.join(out_dir, "fashion-residual-dynamo.onnx"),
                      input_names=["image"], output_names=["logits"], dynamo=True, external_data=False)
    with open(os.path.join(out_dir, "fashion-residual.expected.json"), "w") as f:
        json.dump({
            "exporter": f"torch {torch.__version__}",
            "dataset": "Fashion-MNIST test set, 10,000 images, pixels / 255",
            "accuracy": round(accuracy, 6),
            "correct": int((pred == test_y).sum().item()),
            "predictions": "".join(str(int(p)) for p in pred.tolist()),
        }, f, indent=1)
    print(f"PyTorch accuracy {accuracy:.4f}; wrote {out_dir}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
