"""Trains a small LeNet on Fashion-MNIST in PyTorch and exports it the way most users do.

The files this writes are test fixtures of quantgen's ONNX import (cli/src/test/resources/pytorch),
for two habits of PyTorch exports that the residual fixture (fashion_residual.py) does not show:

- `x.view(x.size(0), -1)` exported with a dynamic batch (`dynamic_axes`), which the TorchScript
  exporter writes as Shape -> Gather -> Unsqueeze -> Concat -> Reshape;
- the dynamo exporter's default of keeping the weights in a separate `model.onnx.data` file
  (external data).

The network: 5x5 valid convolutions, average pooling, three Linear layers. Not run by the build (CI
has no PyTorch); rerun by hand to regenerate:

    python3 -m venv /tmp/tv && /tmp/tv/bin/pip install torch onnx onnxscript numpy
    /tmp/tv/bin/python tools/pytorch/fashion_lenet.py /usr/share/datasets/fashion-mnist \
        cli/src/test/resources/pytorch
"""

import json
import os
import sys

import torch
import torch.nn as nn

from fashion_residual import idx


class LeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 4, 5)
        self.c2 = nn.Conv2d(4, 8, 5)
        self.f1 = nn.Linear(8 * 4 * 4, 32)
        self.f2 = nn.Linear(32, 10)

    def forward(self, x):
        x = nn.functional.avg_pool2d(torch.relu(self.c1(x)), 2)
        x = nn.functional.avg_pool2d(torch.relu(self.c2(x)), 2)
        x = x.view(x.size(0), -1)
        return self.f2(torch.relu(self.f1(x)))


def main(data_dir, out_dir):
    torch.manual_seed(11)
    torch.set_num_threads(2)
    load = lambda name: torch.tensor(idx(os.path.join(data_dir, name)))
    train_x = (load("train-images-idx3-ubyte.gz").float() / 255.0).unsqueeze(1)
    train_y = load("train-labels-idx1-ubyte.gz").long()
    test_x = (load("t10k-images-idx3-ubyte.gz").float() / 255.0).unsqueeze(1)
    test_y = load("t10k-labels-idx1-ubyte.gz").long()

    net = LeNet()
    opt = torch.optim.Adam(net.parameters(), lr=3e-3)
    for epoch in range(2):  # short on purpose: the fixture is about agreement, not accuracy
        net.train()
        perm = torch.randperm(60000)
        for i in range(0, 60000, 128):
            b = perm[i : i + 128]
            opt.zero_grad()
            nn.functional.cross_entropy(net(train_x[b]), train_y[b]).backward()
            opt.step()
    net.eval()
    with torch.no_grad():
        pred = net(test_x).argmax(1)
    accuracy = (pred == test_y).float().mean().item()
    os.makedirs(out_dir, exist_ok=True)
    example = test_x[:1]
    torch.onnx.export(net, (example,), os.path.join(out_dir, "fashion-lenet-torchscript.onnx"),
                      input_names=["image"], output_names=["logits"], opset_version=17,
                      dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"}}, dynamo=False)
    # the default: the weights go to fashion-lenet-dynamo.onnx.data beside the model
    torch.onnx.export(net, (example,), os.path.join(out_dir, "fashion-lenet-dynamo.onnx"),
                      input_names=["image"], output_names=["logits"], dynamo=True)
    with open(os.path.join(out_dir, "fashion-lenet.expected.json"), "w") as f:
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
