#!/usr/bin/env python3
"""Generates quantgen's own conformance cases: cli/src/test/resources/conformance/*.json.

The expected outputs come from a NumPy re-implementation of the ONNX reference semantics (as
restated in ../shared/conformance/onnx/README.md), written independently of the Java code. The
cases cover what ONNX's own node tests leave open: ties to even, an odd zero point with ties, a
negative axis, a partial last block, float16 inputs, odd-length 4-bit tensors, per-row and
per-column matmul parameters, and convolutions with bias, groups, strides, dilations, asymmetric
or automatic padding and per-channel weight scales.

Run once from the repository root (needs python3 and numpy 2.x; not needed by the build or CI):

    python3 tools/conformance/generate_cases.py

It rewrites the JSON files deterministically (fixed seeds); commit them with the script.
"""

import json
import os

import numpy as np

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "cli", "src", "test", "resources", "conformance")
SOURCE = "quantgen tools/conformance/generate_cases.py (NumPy re-implementation of the ONNX reference)"

RANGES = {
    "int4": (-8, 7), "uint4": (0, 15), "int8": (-128, 127), "uint8": (0, 255),
    "int16": (-32768, 32767), "uint16": (0, 65535), "int32": (-2**31, 2**31 - 1),
}


# ---------------------------------------------------------------- JSON encoding

def tensor(name, slot_key, slot, dtype, array):
    a = np.asarray(array)
    t = {"name": name, slot_key: slot, "dtype": dtype, "dims": list(a.shape)}
    flat = a.reshape(-1)
    if dtype == "float32":
        f = flat.astype(np.float32)
        t["values"] = [float(v) for v in f]
        t["bits"] = ["0x%08x" % v for v in f.view(np.uint32)]
    elif dtype == "float16":
        h = flat.astype(np.float16)
        t["values"] = [float(v) for v in h]
        t["bits"] = ["0x%04x" % v for v in h.view(np.uint16)]
    else:
        lo, hi = RANGES[dtype]
        ints = [int(v) for v in flat]
        assert all(lo <= v <= hi for v in ints), (name, dtype, ints)
        t["values"] = ints
    return t


def write_case(test_name, op_type, opset, description, attributes, inputs, outputs):
    """inputs/outputs: lists of (name, dtype, array) in slot order; None leaves an optional slot out."""
    node_inputs = [i[0] if i is not None else "" for i in inputs]
    case = {
        "test_name": test_name,
        "op_type": op_type,
        "domain": "ai.onnx",
        "opset": opset,
        "description": description,
        "attributes": attributes,
        "node_inputs": node_inputs,
        "node_outputs": [o[0] for o in outputs],
        "inputs": [tensor(n, "node_input", k, d, a) for k, (n, d, a) in
                   ((k, i) for k, i in enumerate(inputs) if i is not None)],
        "outputs": [tensor(n, "node_output", k, d, a) for k, (n, d, a) in enumerate(outputs)],
        "source": SOURCE,
    }
    with open(os.path.join(OUT, test_name + ".json"), "w") as f:
        json.dump(case, f, indent=1)
        f.write("\n")


# ---------------------------------------------------------------- reference semantics

def saturate(v, dtype):
    lo, hi = RANGES[dtype]
    return np.clip(v, lo, hi)


def scale_for(x_shape, scale, axis, block_size):
    """Broadcasts a per-tensor, per-axis or blocked scale (or zero point) to x's shape."""
    scale = np.asarray(scale)
    if scale.size == 1:
        return np.full(x_shape, scale.reshape(-1)[0], dtype=scale.dtype)
    axis = axis % len(x_shape)
    if block_size == 0:
        shape = [1] * len(x_shape)
        shape[axis] = -1
        return np.broadcast_to(scale.reshape(shape), x_shape)
    return np.take(scale, np.arange(x_shape[axis]) // block_size, axis=axis)


def quantize_linear(x, scale, zero_point, dtype, axis=1, block_size=0):
    s = scale_for(x.shape, scale, axis, block_size)
    z = scale_for(x.shape, zero_point, axis, block_size).astype(np.int64) if zero_point is not None else 0
    q = np.rint(x / s)  # float16 / float16 stays float16, as in numpy and the ONNX reference
    return saturate(q.astype(np.int64) + z, dtype)


def dequantize_linear(x, scale, zero_point, out_dtype, axis=1, block_size=0):
    s = scale_for(x.shape, scale, axis, block_size).astype(np.float32)
    z = scale_for(x.shape, zero_point, axis, block_size).astype(np.int64)
    y = (x.astype(np.int64) - z).astype(np.float32) * s  # one float32 multiply
    return y.astype(np.float16 if out_dtype == "float16" else np.float32)


def matmul_integer(a, b, a_zp, b_zp):
    """Zero points: [M] (A per row) or [N] (B per column) 1-D vectors, else numpy-broadcast shapes."""
    a = a.astype(np.int64)
    b = b.astype(np.int64)
    a_zp = np.asarray(a_zp).astype(np.int64)
    b_zp = np.asarray(b_zp).astype(np.int64)
    if a_zp.ndim == 1 and a_zp.size > 1:
        a_zp = a_zp.reshape(-1, 1)  # per row: the spec's [M], not numpy's alignment with K
    acc = np.matmul(a - a_zp, b - b_zp)
    assert np.all(np.abs(acc) < 2**31)
    return acc


def requantize(acc, multiplier, y_zp, dtype):
    """ONNX reference order: acc (int32) * multiplier in float64, then round half to even."""
    r = acc.astype(np.float64) * multiplier.astype(np.float64)
    rounded_first = saturate(np.rint(r) + int(y_zp), dtype)
    zp_first = saturate(np.rint(r + int(y_zp)), dtype)  # the reference adds the zero point first
    assert np.array_equal(rounded_first, zp_first), "case depends on the rounding order; pick other data"
    return rounded_first.astype(np.int64)


def conv_pads(x_spatial, k, strides, dilations, auto_pad, pads):
    n = len(x_spatial)
    if auto_pad in ("SAME_UPPER", "SAME_LOWER"):
        begin, end = [], []
        for d, kk, s, dl in zip(x_spatial, k, strides, dilations):
            out = -(-d // s)
            total = max(0, (out - 1) * s + dl * (kk - 1) + 1 - d)
            small = total // 2
            b = small if auto_pad == "SAME_UPPER" else total - small
            begin.append(b)
            end.append(total - b)
        return begin, end
    if auto_pad == "VALID" or pads is None:
        return [0] * n, [0] * n
    return list(pads[:n]), list(pads[n:])


def conv_integer(x, w, x_zp, w_zp, group=1, strides=None, dilations=None, auto_pad="NOTSET", pads=None, bias=None):
    """Direct 2-D convolution of (x - x_zp) and (w - w_zp[m]), zero padding after the shift."""
    n_batch, c, h, wd = x.shape
    m, cg, kh, kw = w.shape
    assert cg * group == c
    strides = strides or [1, 1]
    dilations = dilations or [1, 1]
    begin, end = conv_pads([h, wd], [kh, kw], strides, dilations, auto_pad, pads)
    xs = x.astype(np.int64) - int(x_zp)
    xs = np.pad(xs, ((0, 0), (0, 0), (begin[0], end[0]), (begin[1], end[1])))  # padded cells are 0 after the shift
    w_zp = np.broadcast_to(np.asarray(w_zp).astype(np.int64).reshape(-1), (m,))
    ws = w.astype(np.int64) - w_zp.reshape(m, 1, 1, 1)
    oh = (h + begin[0] + end[0] - dilations[0] * (kh - 1) - 1) // strides[0] + 1
    ow = (wd + begin[1] + end[1] - dilations[1] * (kw - 1) - 1) // strides[1] + 1
    y = np.zeros((n_batch, m, oh, ow), dtype=np.int64)
    per_group = m // group
    for b in range(n_batch):
        for oc in range(m):
            g = oc // per_group
            for i in range(oh):
                for j in range(ow):
                    total = 0 if bias is None else int(bias[oc])
                    for ci in range(cg):
                        for p in range(kh):
                            for q in range(kw):
                                total += int(xs[b, g * cg + ci, i * strides[0] + p * dilations[0],
                                                j * strides[1] + q * dilations[1]]) * int(ws[oc, ci, p, q])
                    y[b, oc, i, j] = total
    assert np.all(np.abs(y) < 2**31)
    return y


# ---------------------------------------------------------------- the cases

def quantize_cases():
    x = np.array([0.5, 2.5, -2.5, -0.5, 1.5, -1.5, 126.5, 127.5, -128.5, -129.5], dtype=np.float32)
    one = np.float32(1.0)
    write_case("quantgen_quantizelinear_ties_int8", "QuantizeLinear", 21,
               "Ties round half to even (0.5->0, 2.5->2, -2.5->-2) and int8 saturates; Math.round or "
               "round-half-away-from-zero fail it.", {},
               [("x", "float32", x), ("y_scale", "float32", one), ("y_zero_point", "int8", np.int8(0))],
               [("y", "int8", quantize_linear(x, one, np.int64(0), "int8"))])
    write_case("quantgen_quantizelinear_ties_uint8", "QuantizeLinear", 21,
               "Ties to even with zero point 128, saturating at 0 and 255.", {},
               [("x", "float32", x), ("y_scale", "float32", one), ("y_zero_point", "uint8", np.uint8(128))],
               [("y", "uint8", quantize_linear(x, one, np.int64(128), "uint8"))])

    xo = np.array([1, 5, -5, 3, -1, 7, 9, -3], dtype=np.float32)
    two = np.float32(2.0)
    write_case("quantgen_quantizelinear_odd_zero_point_ties", "QuantizeLinear", 21,
               "x/scale lands on ties and the zero point (3) is odd: rounding before adding the zero point "
               "gives 3,5,1,5,3,7,7,1; adding first would round 3.5, 5.5, ... differently.", {},
               [("x", "float32", xo), ("y_scale", "float32", two), ("y_zero_point", "uint8", np.uint8(3))],
               [("y", "uint8", quantize_linear(xo, two, np.int64(3), "uint8"))])

    rng = np.random.default_rng(101)
    xa = (rng.standard_normal((2, 3, 4)) * 3).astype(np.float32)
    sa = np.array([0.5, 0.25, 0.125, 0.0625], dtype=np.float32)
    za = np.array([120, 10, 200, 0], dtype=np.uint8)
    write_case("quantgen_quantizelinear_negative_axis", "QuantizeLinear", 21,
               "Per-axis scales on axis -1 (the last axis, size 4) of a rank-3 x.", {"axis": -1},
               [("x", "float32", xa), ("y_scale", "float32", sa), ("y_zero_point", "uint8", za)],
               [("y", "uint8", quantize_linear(xa, sa, za, "uint8", axis=-1))])

    xb = (rng.standard_normal((2, 5)) * 4).astype(np.float32)
    sb = np.array([[0.5, 0.75, 0.25], [1.0, 0.125, 2.0]], dtype=np.float32)
    zb = np.array([[0, -3, 5], [1, 0, -7]], dtype=np.int8)
    write_case("quantgen_quantizelinear_partial_block", "QuantizeLinear", 21,
               "Blocked along axis 1 with block_size 2 over 5 elements: blocks of 2, 2 and a short last block "
               "of 1.", {"axis": 1, "block_size": 2},
               [("x", "float32", xb), ("y_scale", "float32", sb), ("y_zero_point", "int8", zb)],
               [("y", "int8", quantize_linear(xb, sb, zb, "int8", axis=1, block_size=2))])

    xh = np.array([1.0498046875, 1.25, 1.349609375, 1.849609375, 2.25, 2.94921875, -1.25, 30.0], dtype=np.float16)
    sh = np.float16(0.1)
    write_case("quantgen_quantizelinear_float16", "QuantizeLinear", 21,
               "float16 x and float16 scale: the quotient is a float16 (numpy float16 / float16), which here "
               "lands on ties (10.5, 12.5, 13.5, ...) that a float32 division misses.", {},
               [("x", "float16", xh), ("y_scale", "float16", sh), ("y_zero_point", "uint8", np.uint8(100))],
               [("y", "uint8", quantize_linear(xh, sh, np.int64(100), "uint8"))])

    x4 = np.array([0.5, 1.5, -2.5, 3.4, -20.0, 20.0, 2.5], dtype=np.float32)
    write_case("quantgen_quantizelinear_int4_odd_length", "QuantizeLinear", 21,
               "int4 output of odd length 7 (the packed form leaves the last high nibble empty), with ties "
               "and saturation at -8 and 7.", {},
               [("x", "float32", x4), ("y_scale", "float32", np.float32(1.0)), ("y_zero_point", "int4", np.int8(-1))],
               [("y", "int4", quantize_linear(x4, np.float32(1.0), np.int64(-1), "int4"))])
    write_case("quantgen_quantizelinear_uint4_odd_length", "QuantizeLinear", 21,
               "uint4 output of odd length 7, zero point 8, with ties and saturation at 0 and 15.", {},
               [("x", "float32", x4), ("y_scale", "float32", np.float32(1.0)), ("y_zero_point", "uint4", np.uint8(8))],
               [("y", "uint4", quantize_linear(x4, np.float32(1.0), np.int64(8), "uint4"))])


def dequantize_cases():
    rng = np.random.default_rng(202)
    x = rng.integers(0, 256, size=(2, 3, 4)).astype(np.uint8)
    s = np.array([0.1, 0.03, 1.7], dtype=np.float32)
    z = np.array([128, 3, 250], dtype=np.uint8)
    write_case("quantgen_dequantizelinear_negative_axis", "DequantizeLinear", 21,
               "Per-axis scale and zero point on axis -2 (size 3) of a rank-3 x.", {"axis": -2},
               [("x", "uint8", x), ("x_scale", "float32", s), ("x_zero_point", "uint8", z)],
               [("y", "float32", dequantize_linear(x, s, z, "float32", axis=-2))])

    xh = np.array([-128, -101, -7, 0, 1, 33, 99, 127], dtype=np.int8)
    sh = np.float16(0.0999755859375 * 3)  # a float16 scale whose products need rounding back to half
    write_case("quantgen_dequantizelinear_float16", "DequantizeLinear", 21,
               "float16 scale, so the output is float16: fl16(fl32(x - zp) * scale).", {},
               [("x", "int8", xh), ("x_scale", "float16", sh), ("x_zero_point", "int8", np.int8(-3))],
               [("y", "float16", dequantize_linear(xh, sh, np.int64(-3), "float16"))])


def matmul_cases():
    rng = np.random.default_rng(303)
    a = rng.integers(0, 256, size=(3, 4)).astype(np.uint8)
    b = rng.integers(-128, 128, size=(4, 2)).astype(np.int8)
    a_zp = np.array([3, 128, 250], dtype=np.uint8)
    b_zp = np.array([-5, 17], dtype=np.int8)
    write_case("quantgen_matmulinteger_per_row_per_column", "MatMulInteger", 10,
               "uint8 A with a per-row zero point [M]=[3], int8 B with a per-column zero point [N]=[2].", {},
               [("A", "uint8", a), ("B", "int8", b), ("a_zero_point", "uint8", a_zp), ("b_zero_point", "int8", b_zp)],
               [("Y", "int32", matmul_integer(a, b, a_zp, b_zp))])

    a = rng.integers(-128, 128, size=(2, 1, 3, 4)).astype(np.int8)
    b = rng.integers(0, 256, size=(3, 4, 2)).astype(np.uint8)
    a_zp = rng.integers(-128, 128, size=(2, 1, 3, 1)).astype(np.int8)
    b_zp = rng.integers(0, 256, size=(3, 1, 2)).astype(np.uint8)
    write_case("quantgen_matmulinteger_batched_broadcast", "MatMulInteger", 10,
               "Batch axes [2,1] x [3] broadcast to [2,3]; zero points per row and batch [2,1,3,1] for A and per "
               "column and batch [3,1,2] for B.", {},
               [("A", "int8", a), ("B", "uint8", b), ("a_zero_point", "int8", a_zp), ("b_zero_point", "uint8", b_zp)],
               [("Y", "int32", matmul_integer(a, b, a_zp, b_zp))])

    a = rng.integers(0, 256, size=(2, 3)).astype(np.uint8)
    b = rng.integers(-128, 128, size=(3, 4)).astype(np.int8)
    a_scale = np.float32(0.02)
    b_scale = np.array([0.01, 0.003, 0.05, 0.0007], dtype=np.float32)
    b_zp = np.array([0, 3, -2, 1], dtype=np.int8)
    y_scale = np.float32(0.04)
    acc = matmul_integer(a, b, np.uint8(120), b_zp)
    mult = (a_scale * b_scale) / y_scale  # float32, per column
    write_case("quantgen_qlinearmatmul_per_column_b_scale", "QLinearMatMul", 21,
               "float32 scales; b scale and zero point per column [N]=[4]; int8 output saturating at both ends.", {},
               [("a", "uint8", a), ("a_scale", "float32", a_scale), ("a_zero_point", "uint8", np.uint8(120)),
                ("b", "int8", b), ("b_scale", "float32", b_scale), ("b_zero_point", "int8", b_zp),
                ("y_scale", "float32", y_scale), ("y_zero_point", "int8", np.int8(-10))],
               [("y", "int8", requantize(acc, mult, -10, "int8"))])

    a = rng.integers(-128, 128, size=(2, 3, 5)).astype(np.int8)
    b = rng.integers(-128, 128, size=(5, 2)).astype(np.int8)
    a_scale = np.array([0.011, 0.02, 0.0066], dtype=np.float16)
    a_zp = np.array([1, -2, 0], dtype=np.int8)
    b_scale = np.array([0.013, 0.007], dtype=np.float16)
    y_scale = np.float16(0.05)
    acc = matmul_integer(a, b, a_zp, np.int8(4))
    mult = (a_scale.reshape(3, 1) * b_scale.reshape(1, 2)) / y_scale  # float16 arithmetic
    assert mult.dtype == np.float16
    write_case("quantgen_qlinearmatmul_per_row_float16", "QLinearMatMul", 21,
               "float16 scales: a per row [M]=[3] (scale and zero point), b per column [N]=[2], batched a "
               "[2,3,5] against 2-D b; the multiplier a_scale*b_scale/y_scale is computed in float16.", {},
               [("a", "int8", a), ("a_scale", "float16", a_scale), ("a_zero_point", "int8", a_zp),
                ("b", "int8", b), ("b_scale", "float16", b_scale), ("b_zero_point", "int8", np.int8(4)),
                ("y_scale", "float16", y_scale), ("y_zero_point", "uint8", np.uint8(128))],
               [("y", "uint8", requantize(acc, mult, 128, "uint8"))])


def conv_cases():
    rng = np.random.default_rng(404)
    x = rng.integers(0, 256, size=(1, 4, 7, 7)).astype(np.uint8)
    w = rng.integers(-128, 128, size=(6, 2, 3, 3)).astype(np.int8)
    w_zp = np.array([0, 1, -1, 2, 0, -3], dtype=np.int8)
    bias = rng.integers(-20000, 20000, size=(6,)).astype(np.int32)
    x_scale = np.float32(0.02)
    w_scale = np.array([0.001, 0.002, 0.0015, 0.003, 0.0007, 0.0025], dtype=np.float32)
    y_scale = np.float32(0.01)
    attrs = {"group": 2, "strides": [2, 1], "dilations": [1, 2], "pads": [1, 0, 2, 1]}
    acc = conv_integer(x, w, 131, w_zp, group=2, strides=[2, 1], dilations=[1, 2], pads=[1, 0, 2, 1], bias=bias)
    mult = (x_scale * w_scale) / y_scale
    write_case("quantgen_qlinearconv_bias_group_stride_dilation", "QLinearConv", 10,
               "uint8 x, int8 w with group 2, strides [2,1], dilations [1,2], asymmetric pads [1,0,2,1], int32 "
               "bias, per-output-channel w_scale and w_zero_point with M=6.", attrs,
               [("x", "uint8", x), ("x_scale", "float32", x_scale), ("x_zero_point", "uint8", np.uint8(131)),
                ("w", "int8", w), ("w_scale", "float32", w_scale), ("w_zero_point", "int8", w_zp),
                ("y_scale", "float32", y_scale), ("y_zero_point", "uint8", np.uint8(100)), ("B", "int32", bias)],
               [("y", "uint8", requantize(acc, mult.reshape(1, 6, 1, 1), 100, "uint8"))])

    x = rng.integers(-128, 128, size=(1, 3, 7, 6)).astype(np.int8)
    w = rng.integers(-128, 128, size=(3, 1, 2, 3)).astype(np.int8)
    bias = rng.integers(-3000, 3000, size=(3,)).astype(np.int32)
    w_scale = np.array([0.004, 0.01, 0.002], dtype=np.float32)
    acc = conv_integer(x, w, -4, 0, group=3, strides=[2, 2], auto_pad="SAME_LOWER", bias=bias)
    mult = (np.float32(0.05) * w_scale) / np.float32(0.25)
    write_case("quantgen_qlinearconv_depthwise_same_lower", "QLinearConv", 10,
               "Depthwise (group = C = 3) int8 conv, auto_pad SAME_LOWER with strides 2 (odd total padding on "
               "the kernel-2 axis goes at the beginning), bias, per-channel w_scale.",
               {"auto_pad": "SAME_LOWER", "group": 3, "strides": [2, 2]},
               [("x", "int8", x), ("x_scale", "float32", np.float32(0.05)), ("x_zero_point", "int8", np.int8(-4)),
                ("w", "int8", w), ("w_scale", "float32", w_scale), ("w_zero_point", "int8", np.zeros(3, np.int8)),
                ("y_scale", "float32", np.float32(0.25)), ("y_zero_point", "int8", np.int8(5)), ("B", "int32", bias)],
               [("y", "int8", requantize(acc, mult.reshape(1, 3, 1, 1), 5, "int8"))])

    x = rng.integers(0, 256, size=(1, 2, 5, 5)).astype(np.uint8)
    w = rng.integers(0, 256, size=(2, 2, 2, 2)).astype(np.uint8)
    w_zp = np.array([128, 7], dtype=np.uint8)
    write_case("quantgen_convinteger_same_upper", "ConvInteger", 10,
               "auto_pad SAME_UPPER with a 2x2 kernel: the odd total padding (1) goes at the end; padded cells act "
               "as the x zero point (200). Per-output-channel w zero point.", {"auto_pad": "SAME_UPPER"},
               [("x", "uint8", x), ("w", "uint8", w), ("x_zero_point", "uint8", np.uint8(200)),
                ("w_zero_point", "uint8", w_zp)],
               [("y", "int32", conv_integer(x, w, 200, w_zp, auto_pad="SAME_UPPER"))])


def main():
    os.makedirs(OUT, exist_ok=True)
    quantize_cases()
    dequantize_cases()
    matmul_cases()
    conv_cases()


if __name__ == "__main__":
    main()
