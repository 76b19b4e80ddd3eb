#!/usr/bin/env python3
"""Writes the weight-file fixtures of dev.quantgen.runtime.io tests (numpy >= 1.17; run here: python3 make_fixtures.py).

Every tensor X also gets expected/X.npy: the float32 values numpy itself computes for it
(astype(np.float32)), so the Java readers are checked against numpy, not against Java's own casts.
safetensors is written by hand (its format is 8-byte LE header length + JSON + data), because the
safetensors package is not needed for that.
"""
import json
import os
import struct

import numpy as np
from numpy.lib import format as npformat

HERE = os.path.dirname(os.path.abspath(__file__))
EXPECTED = os.path.join(HERE, "expected")
os.makedirs(EXPECTED, exist_ok=True)


def expect(name, arr):
    np.save(os.path.join(EXPECTED, name + ".npy"), np.array(arr, dtype=np.float32, order="C"))  # keeps rank 0


def save(name, arr, version=None):
    with open(os.path.join(HERE, name + ".npy"), "wb") as f:
        npformat.write_array(f, arr, version=version)
    expect(name, arr)


f32 = np.array([[1.5, -2.25, 0.0], [-0.0, 3.4028235e38, 1e-45]], dtype="<f4")
save("f32", f32)
save("f32_v2", f32, version=(2, 0))
save("f32_v3", f32, version=(3, 0))
save("f32_big_endian", f32.astype(">f4"))
save("f32_scalar", np.array(7.25, dtype="<f4"))
save("f32_empty", np.zeros((0, 3), dtype="<f4"))
save("f32_odd", np.arange(3 * 5 * 7, dtype="<f4").reshape(3, 5, 7) / 7)
# float16: max, smallest subnormal, infinity, a value that is exact in half but not a short decimal
save("f16", np.array([1.0, -65504.0, 2.0 ** -24, np.inf, 0.333251953125, -0.0], dtype="<f2"))
# float64 -> float32 rounds to nearest: 0.1, 1/3, a halfway case, overflow to inf, underflow to 0
save("f64", np.array([0.1, 1 / 3, 1 + 2.0 ** -24, 1e300, -1e-300, 16777217.0], dtype="<f8"))
save("i1", np.array([-128, -1, 0, 127], dtype="|i1"))
save("u1", np.array([0, 1, 128, 255], dtype="|u1"))
save("i4", np.array([-2147483648, 16777217, 7], dtype="<i4"))
save("i8", np.array([2 ** 40 + 1, -3, 2 ** 62], dtype="<i8"))
save("b1", np.array([True, False, True], dtype="|b1"))

# Not supported, on purpose: Fortran order and a complex dtype.
with open(os.path.join(HERE, "fortran.npy"), "wb") as f:
    npformat.write_array(f, np.asfortranarray(f32))
np.save(os.path.join(HERE, "complex.npy"), np.array([1 + 2j], dtype="<c8"))

npz = {"fc1.weight": np.arange(12, dtype="<f4").reshape(3, 4) - 5.5,
       "fc1.bias": np.array([0.5, -0.5, 1e-8], dtype="<f4"),
       "half": np.array([[1.0, 2.0]], dtype="<f2")}
np.savez(os.path.join(HERE, "stored.npz"), **npz)
np.savez_compressed(os.path.join(HERE, "deflated.npz"), **npz)
for k, v in npz.items():
    expect("npz_" + k, v)

# safetensors, by hand. bfloat16 is the top 16 bits of a float32: truncating 1e-38 drops bits.
bf16_bits = (np.array([1.0, -2.5, 3.140625, 1e-38, -np.inf], dtype="<f4").view("<u4") >> 16).astype("<u2")
bf16_values = (bf16_bits.astype("<u4") << 16).view("<f4")
st = [
    ("w_f32", "F32", f32),
    ("w_f16", "F16", np.array([[0.5, -1.0], [65504.0, 2.0 ** -24]], dtype="<f2")),
    ("w_bf16", "BF16", bf16_bits),
    ("w_f64", "F64", np.array([0.1, 1 / 3, 1e300], dtype="<f8")),
    ("w_i8", "I8", np.array([-128, 127], dtype="|i1")),
    ("w_u8", "U8", np.array([0, 255], dtype="|u1")),
    ("w_i32", "I32", np.array([16777217, -5], dtype="<i4")),
    ("w_i64", "I64", np.array([2 ** 40 + 1], dtype="<i8")),
    ("w_scalar", "F32", np.array(42.0, dtype="<f4")),
]
header = {"__metadata__": {"format": "pt", "source": "make_fixtures.py"}}
data = b""
for name, dtype, arr in st:
    raw = np.ascontiguousarray(arr).tobytes()
    header[name] = {"dtype": dtype, "shape": list(arr.shape), "data_offsets": [len(data), len(data) + len(raw)]}
    data += raw
    expect("st_" + name, bf16_values if dtype == "BF16" else arr)
text = json.dumps(header, separators=(",", ":")).encode("utf-8")
text += b" " * (-len(text) % 8)  # the reference writer pads the header with spaces to 8 bytes
with open(os.path.join(HERE, "weights.safetensors"), "wb") as f:
    f.write(struct.pack("<Q", len(text)) + text + data)
