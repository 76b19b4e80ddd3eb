"""Quantizes the PyTorch residual fixture with ONNX Runtime's own quantizer and records ORT's outputs.

The files this writes are test fixtures of quantgen's QDQ import (cli/src/test/resources/pytorch):
a residual network quantized by another tool than quantgen, imported as it is by
`./quantgen eval --precision as-is`, must give ONNX Runtime's outputs (cli's OrtQuantizedResidualTest).
Not run by the build (CI has neither Python nor onnxruntime's quantizer); rerun by hand to regenerate:

    python3 -m venv /tmp/tv && /tmp/tv/bin/pip install onnxruntime onnx numpy
    /tmp/tv/bin/python tools/onnxruntime/quantize_residual.py /usr/share/datasets/fashion-mnist \
        cli/src/test/resources/pytorch

Input: fashion-residual-torchscript.onnx in the output directory (written by
tools/pytorch/fashion_residual.py). For uint8 and for int8 activations it runs
`quant_pre_process` then `quantize_static` (QDQ format, int8 weights per channel, MinMax calibration
on the first 1,000 Fashion-MNIST training images, one at a time: deterministic, nothing downloaded)
and writes:

- fashion-residual-qdq-{u8,s8}.onnx: the quantized models, as ONNX Runtime's quantizer wrote them;
- fashion-residual-qdq-{u8,s8}.ort-codes: ONNX Runtime's output on each of the 10,000 test images
  (pixels / 255) as the quantized logits, 10 codes per image (bytes, uint8 or int8 as in the file),
  image after image; recovered exactly from the float output of the final DequantizeLinear
  (checked: dequantizing the recovered codes gives the output bit for bit);
- fashion-residual-qdq.expected.json: versions, session settings, correct counts.

ORT runs with its default graph optimizations (which fuse the QDQ groups into QLinearConv, QLinearAdd,
QLinearGlobalAveragePool, QGemm, ...), one thread, and session.x64quantprecision = 1 (the exact
u8s8 integer product on x64 machines without VNNI), as quantgen's Java ORT tests run it.
"""

import gzip
import json
import os
import sys
import tempfile

import numpy as np
import onnx
import onnxruntime as ort
from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_static
from onnxruntime.quantization.shape_inference import quant_pre_process

CALIBRATION_IMAGES = 1000


def idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


class Calibration(CalibrationDataReader):
    def __init__(self, name, images):
        self.feeds = iter([{name: images[k : k + 1, None]} for k in range(len(images))])

    def get_next(self):
        return next(self.feeds, None)


def codes_of(model_path, test_x):
    """ORT's float output and the quantized codes behind it, from the final DequantizeLinear."""
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.add_session_config_entry("session.x64quantprecision", "1")
    session = ort.InferenceSession(model_path, options, providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    # the exported input has batch 1: one image per run
    logits = np.concatenate([session.run(None, {name: test_x[i : i + 1, None]})[0] for i in range(len(test_x))])
    model = onnx.load(model_path)
    init = {t.name: onnx.numpy_helper.to_array(t) for t in model.graph.initializer}
    last = next(n for n in model.graph.node if n.output[0] == model.graph.output[0].name)
    assert last.op_type == "DequantizeLinear", last.op_type
    scale = init[last.input[1]].astype(np.float32)
    zero = init[last.input[2]]
    codes = np.rint(logits / scale).astype(np.int32) + int(zero)
    info = np.iinfo(zero.dtype)
    assert codes.min() >= info.min and codes.max() <= info.max
    codes = codes.astype(zero.dtype)
    again = (codes.astype(np.int32) - int(zero)).astype(np.float32) * scale
    assert np.array_equal(again.view(np.uint32), logits.astype(np.float32).view(np.uint32)), "codes not recovered exactly"
    return logits, codes


def main(data_dir, out_dir):
    train_x = idx(os.path.join(data_dir, "train-images-idx3-ubyte.gz"))[:CALIBRATION_IMAGES].astype(np.float32) / 255
    test_x = idx(os.path.join(data_dir, "t10k-images-idx3-ubyte.gz")).astype(np.float32) / 255
    test_y = idx(os.path.join(data_dir, "t10k-labels-idx1-ubyte.gz")).astype(np.int64)
    source = os.path.join(out_dir, "fashion-residual-torchscript.onnx")
    name = onnx.load(source).graph.input[0].name
    expected = {
        "quantizer": f"onnxruntime {ort.__version__} quantize_static (QDQ, per_channel, int8 weights,"
        f" MinMax on the first {CALIBRATION_IMAGES} training images), after quant_pre_process",
        "runtime": f"onnxruntime {ort.__version__}, CPUExecutionProvider, default optimizations, one thread,"
        " session.x64quantprecision = 1",
        "dataset": "Fashion-MNIST test set, 10,000 images, pixels / 255",
        "codes": "per image the 10 quantized logits, bytes in the file's type (uint8 or int8)",
    }
    with tempfile.TemporaryDirectory() as tmp:
        pre = os.path.join(tmp, "pre.onnx")
        quant_pre_process(source, pre)
        for tag, activations in (("u8", QuantType.QUInt8), ("s8", QuantType.QInt8)):
            out = os.path.join(out_dir, f"fashion-residual-qdq-{tag}.onnx")
            quantize_static(pre, out, Calibration(name, train_x), quant_format=QuantFormat.QDQ,
                            activation_type=activations, weight_type=QuantType.QInt8, per_channel=True)
            logits, codes = codes_of(out, test_x)
            with open(os.path.join(out_dir, f"fashion-residual-qdq-{tag}.ort-codes"), "wb") as f:
                f.write(codes.tobytes())
            correct = int((logits.argmax(1) == test_y).sum())
            expected[tag] = {
                "activations": "uint8" if tag == "u8" else "int8",
                "correct": correct,
                "operators": sorted({n.op_type for n in onnx.load(out).graph.node}),
            }
            print(f"{tag}: ONNX Runtime {correct} / 10000 correct; wrote {out}")
    with open(os.path.join(out_dir, "fashion-residual-qdq.expected.json"), "w") as f:
        json.dump(expected, f, indent=1)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
