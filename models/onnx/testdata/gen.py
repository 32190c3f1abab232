"""Generates the ONNX test fixtures of package onnx (fixed seeds).

Run: /usr/bin/python3 models/onnx/testdata/gen.py, then bench/onnx_compare.sh
to record ONNX Runtime's outputs beside them. Writes <name>.onnx and
<name>.inputs.json ({"input name": {"shape": [...], "data": [...]}}).
"""
import json
import os

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))


def save_inputs(name, feeds):
    out = {}
    for k, v in feeds.items():
        v = np.asarray(v)
        out[k] = {"dtype": str(v.dtype), "shape": list(v.shape), "data": [float(x) for x in v.ravel()]}
    with open(os.path.join(HERE, name + ".inputs.json"), "w") as f:
        json.dump(out, f)


def export(name, net, x, opset, dynamic=True, training=torch.onnx.TrainingMode.EVAL):
    net.eval()
    path = os.path.join(HERE, name + ".onnx")
    axes = {"x": {0: "batch"}, "y": {0: "batch"}} if dynamic else None
    torch.onnx.export(net, x, path, opset_version=opset, input_names=["x"], output_names=["y"],
                      dynamic_axes=axes, do_constant_folding=False, training=training)
    onnx.checker.check_model(onnx.load(path))
    save_inputs(name, {"x": x.numpy()})


class CNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(3, 8, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(8)
        self.c2 = nn.Conv2d(8, 8, 3, stride=2, padding=1, groups=2, bias=False)
        self.bn2 = nn.BatchNorm2d(8)
        self.c3 = nn.Conv2d(8, 12, (3, 1), dilation=(2, 1))
        self.fc = nn.Linear(12 * 1 * 5, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn1(self.c1(x))), 2)
        x = F.relu(self.bn2(self.c2(x)))
        x = torch.sigmoid(self.c3(x))
        return self.fc(torch.flatten(x, 1))


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.l1 = nn.Linear(20, 32)
        self.l2 = nn.Linear(32, 16)
        self.l3 = nn.Linear(16, 5)

    def forward(self, x):
        x = torch.tanh(self.l1(x))
        x = F.gelu(self.l2(x))
        x = torch.clamp(x, -0.5, 0.75) * 2.0 - 0.25
        return F.softmax(self.l3(x), dim=1)


class Norm(nn.Module):
    """LayerNormalization (opset 17) and the SiLU pattern (Sigmoid → Mul)."""

    def __init__(self):
        super().__init__()
        self.l1 = nn.Linear(12, 24)
        self.ln = nn.LayerNorm(24)
        self.l2 = nn.Linear(24, 6)
        with torch.no_grad():
            self.ln.weight.uniform_(0.5, 1.5)
            self.ln.bias.uniform_(-0.3, 0.3)

    def forward(self, x):  # x [N, 5, 12]
        h = F.silu(self.ln(self.l1(x)))
        return self.l2(h) + h.mean(2, keepdim=True)  # ReduceMean over the last (spatial) axis


class Shapes(nn.Module):
    def __init__(self):
        super().__init__()
        self.c = nn.Conv1d(4, 6, 3, padding=1)
        self.c2 = nn.Conv2d(4, 4, 1)

    def forward(self, x):  # x [N, 4, 8, 8]
        a = F.avg_pool2d(self.c2(x), 2, padding=1, count_include_pad=False)  # [N,4,5,5]
        a = F.interpolate(a[:, :, 1:, 1:], scale_factor=2, mode="nearest")  # [N,4,8,8]
        z = torch.cat([a, x[:, 1:3], x[:, ::2] / 3.0], 1)  # [N,8,8,8]
        z = F.pad(z, (1, 0, 2, 1))  # [N,8,11,9]
        z = z.reshape(x.size(0), 4, 2, -1)  # [N,4,2,99]
        z = z.transpose(1, 3)  # [N,99,2,4]
        s = F.softmax(z, dim=2)
        t = s.reshape(x.size(0), 99 * 2, 4).transpose(1, 2)  # [N,4,198]
        u = F.relu6(self.c(t[:, :, :16] * 4.0))  # [N,6,16]
        g = F.adaptive_avg_pool1d(u, 1)  # [N,6,1]
        return torch.cat([u.flatten(1), g.flatten(1)], 1)


def qdq_s8_model():
    """QDQ with int8 activations: Q → DQ → MatMul(DQ per-tensor weights) →
    Q (zero point -3, no Relu) → DQ → Add (float) → Q → DQ → MatMul → Q → DQ."""
    rng = np.random.default_rng(9)
    sx, zx = np.float32(0.03), np.int8(5)
    w1 = rng.integers(-127, 128, size=(12, 16)).astype(np.int8)
    w2 = rng.integers(-127, 128, size=(16, 4)).astype(np.int8)
    s1, s2 = np.float32(0.01), np.float32(0.02)
    sy, zy = np.float32(0.08), np.int8(-3)
    so, zo = np.float32(0.1), np.int8(0)
    t = lambda v, n: numpy_helper.from_array(np.array(v), n)
    inits = [t(sx, "sx"), t(zx, "zx"), numpy_helper.from_array(w1, "w1_q"), t(s1, "s1"), t(np.int8(0), "z0"),
             numpy_helper.from_array(w2, "w2_q"), t(s2, "s2"), t(sy, "sy"), t(zy, "zy"), t(so, "so"), t(zo, "zo"),
             numpy_helper.from_array(rng.standard_normal(16).astype(np.float32), "shift")]
    nodes = [
        helper.make_node("QuantizeLinear", ["x", "sx", "zx"], ["xq"], name="q_in"),
        helper.make_node("DequantizeLinear", ["xq", "sx", "zx"], ["xd"], name="dq_in"),
        helper.make_node("DequantizeLinear", ["w1_q", "s1", "z0"], ["w1"], name="dq_w1"),
        helper.make_node("MatMul", ["xd", "w1"], ["m1"], name="mm1"),
        helper.make_node("QuantizeLinear", ["m1", "sy", "zy"], ["m1q"], name="q_m1"),
        helper.make_node("DequantizeLinear", ["m1q", "sy", "zy"], ["m1d"], name="dq_m1"),
        helper.make_node("Add", ["m1d", "shift"], ["a"], name="add"),
        helper.make_node("QuantizeLinear", ["a", "sy", "zy"], ["aq"], name="q_a"),
        helper.make_node("DequantizeLinear", ["aq", "sy", "zy"], ["ad"], name="dq_a"),
        helper.make_node("DequantizeLinear", ["w2_q", "s2", "z0"], ["w2"], name="dq_w2"),
        helper.make_node("MatMul", ["ad", "w2"], ["m2"], name="mm2"),
        helper.make_node("QuantizeLinear", ["m2", "so", "zo"], ["m2q"], name="q_m2"),
        helper.make_node("DequantizeLinear", ["m2q", "so", "zo"], ["y"], name="dq_out"),
    ]
    graph = helper.make_graph(nodes, "qdq_s8", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3, 12])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 3, 4])], inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="edgerun-gen")
    m.ir_version = 7
    onnx.checker.check_model(m)
    onnx.save(m, os.path.join(HERE, "qdq_s8.onnx"))
    save_inputs("qdq_s8", {"x": rng.uniform(-3, 3, size=(4, 3, 12)).astype(np.float32)})


def qdq_model():
    """A hand-built QDQ model: Q → DQ → Conv(+DQ weights, bias) → Relu → Q → DQ →
    MaxPool → Q → DQ → Flatten → Gemm(DQ weights) → Q → DQ, the way quantisation
    tools write static QDQ models (u8 activations, per-channel s8 weights)."""
    rng = np.random.default_rng(7)
    cin, cout = 3, 8
    w = rng.integers(-127, 128, size=(cout, cin, 3, 3)).astype(np.int8)
    ws = (rng.uniform(0.5, 1.5, size=cout) * 0.004).astype(np.float32)
    sx, zx = np.float32(1 / 64), np.uint8(128)
    b = rng.integers(-3000, 3000, size=cout).astype(np.int32)
    bs = (sx * ws).astype(np.float32)
    sy, zy = np.float32(0.02), np.uint8(0)
    fw = rng.integers(-127, 128, size=(5, cout * 4 * 4)).astype(np.int8)
    fws = np.float32(0.003)
    fb = rng.integers(-500, 500, size=5).astype(np.int32)
    so, zo = np.float32(0.05), np.uint8(100)
    inits = [
        numpy_helper.from_array(np.array(sx), "sx"), numpy_helper.from_array(np.array(zx), "zx"),
        numpy_helper.from_array(w, "w_q"), numpy_helper.from_array(ws, "w_s"),
        numpy_helper.from_array(np.zeros(cout, np.int8), "w_z"),
        numpy_helper.from_array(b, "b_q"), numpy_helper.from_array(bs, "b_s"),
        numpy_helper.from_array(np.zeros(cout, np.int32), "b_z"),
        numpy_helper.from_array(np.array(sy), "sy"), numpy_helper.from_array(np.array(zy), "zy"),
        numpy_helper.from_array(fw.T.copy(), "fw_q"), numpy_helper.from_array(np.array(fws), "fw_s"),
        numpy_helper.from_array(np.array(np.int8(0)), "fw_z"),
        numpy_helper.from_array(fb, "fb_q"), numpy_helper.from_array(np.array(np.float32(sy * fws)), "fb_s"),
        numpy_helper.from_array(np.array(np.int32(0)), "fb_z"),
        numpy_helper.from_array(np.array(so), "so"), numpy_helper.from_array(np.array(zo), "zo"),
    ]
    nodes = [
        helper.make_node("QuantizeLinear", ["x", "sx", "zx"], ["x_q"], name="q_in"),
        helper.make_node("DequantizeLinear", ["x_q", "sx", "zx"], ["x_dq"], name="dq_in"),
        helper.make_node("DequantizeLinear", ["w_q", "w_s", "w_z"], ["w"], name="dq_w", axis=0),
        helper.make_node("DequantizeLinear", ["b_q", "b_s", "b_z"], ["b"], name="dq_b", axis=0),
        helper.make_node("Conv", ["x_dq", "w", "b"], ["c"], name="conv", pads=[1, 1, 1, 1], kernel_shape=[3, 3]),
        helper.make_node("Relu", ["c"], ["r"], name="relu"),
        helper.make_node("QuantizeLinear", ["r", "sy", "zy"], ["r_q"], name="q_r"),
        helper.make_node("DequantizeLinear", ["r_q", "sy", "zy"], ["r_dq"], name="dq_r"),
        helper.make_node("MaxPool", ["r_dq"], ["p"], name="pool", kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("QuantizeLinear", ["p", "sy", "zy"], ["p_q"], name="q_p"),
        helper.make_node("DequantizeLinear", ["p_q", "sy", "zy"], ["p_dq"], name="dq_p"),
        helper.make_node("Flatten", ["p_dq"], ["f"], name="flatten", axis=1),
        helper.make_node("DequantizeLinear", ["fw_q", "fw_s", "fw_z"], ["fw"], name="dq_fw"),
        helper.make_node("DequantizeLinear", ["fb_q", "fb_s", "fb_z"], ["fb"], name="dq_fb"),
        helper.make_node("Gemm", ["f", "fw", "fb"], ["g"], name="fc"),
        helper.make_node("QuantizeLinear", ["g", "so", "zo"], ["g_q"], name="q_out"),
        helper.make_node("DequantizeLinear", ["g_q", "so", "zo"], ["y"], name="dq_out"),
    ]
    graph = helper.make_graph(nodes, "qdq", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", cin, 8, 8])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 5])], inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="edgerun-gen")
    m.ir_version = 7
    onnx.checker.check_model(m)
    onnx.save(m, os.path.join(HERE, "qdq.onnx"))
    x = rng.uniform(-2, 2, size=(3, cin, 8, 8)).astype(np.float32)
    save_inputs("qdq", {"x": x})


def misc_model():
    """Hand-built at opset 11: the attribute forms torch rarely writes
    (auto_pad SAME_UPPER, Gemm transB=0 with alpha and beta, Softmax with
    the pre-13 flatten semantics, Resize by sizes, Pad reflect, Clip with
    only a min), MatMul of two run-time values, Squeeze/Unsqueeze, ArgMax,
    TopK and Identity outputs."""
    rng = np.random.default_rng(11)
    f = lambda *s: rng.standard_normal(s).astype(np.float32)
    inits = [
        numpy_helper.from_array(f(4, 3, 3, 3) * 0.3, "cw"), numpy_helper.from_array(f(4), "cb"),
        numpy_helper.from_array(f(12, 6) * 0.3, "gw"), numpy_helper.from_array(f(6), "gc"),
        numpy_helper.from_array(np.array([1, 1, 4, 6], np.int64), "sizes"),
        numpy_helper.from_array(np.array([], np.float32), "empty"),
        numpy_helper.from_array(np.array([0, 0, 1, 2, 0, 0, 1, 0], np.int64), "pads"),
        numpy_helper.from_array(np.array(-0.3, np.float32), "lo"),
        numpy_helper.from_array(np.array([3], np.int64), "k"),
        numpy_helper.from_array(f(6, 5), "mw"),
        numpy_helper.from_array(np.array(1.5, np.float32), "two"),
    ]
    nodes = [
        helper.make_node("Conv", ["x", "cw", "cb"], ["c"], name="conv_same", auto_pad="SAME_UPPER", strides=[2, 2]),  # [N,4,4,3]
        helper.make_node("Clip", ["c", "lo", ""], ["cl"], name="clip_min"),
        helper.make_node("Pad", ["cl", "pads"], ["p"], name="pad_reflect", mode="reflect"),  # [N,4,5,5]
        helper.make_node("MaxPool", ["p"], ["mp"], name="pool_same", kernel_shape=[2, 2], strides=[2, 2], pads=[1, 1, 1, 1]),  # [N,4,4,4]
        helper.make_node("Flatten", ["mp"], ["fl"], name="flat", axis=2),  # [N*4, 16]
        helper.make_node("Gemm", ["fl", "gw", "gc"], ["g"], name="gemm_ab", alpha=0.5, beta=2.0),  # [N*4,6]
        helper.make_node("Reshape", ["g", "shape3"], ["g3"], name="to3d"),
        helper.make_node("Softmax", ["g3"], ["sm"], name="softmax11", axis=1),  # flatten at 1: [N, 24]
        helper.make_node("Transpose", ["sm"], ["smt"], name="tr", perm=[0, 2, 1]),  # [N,6,4]
        helper.make_node("MatMul", ["sm", "smt"], ["mm"], name="matmul_dyn"),  # [N,4,4]
        helper.make_node("Unsqueeze", ["mm"], ["mm4"], name="unsq", axes=[1]),  # [N,1,4,4]
        helper.make_node("Resize", ["mm4", "empty", "empty", "sizes"], ["rs"], name="resize_sizes", mode="nearest",
                         coordinate_transformation_mode="asymmetric", nearest_mode="floor"),  # [N,1,4,6]... sizes fixed below
        helper.make_node("Squeeze", ["rs"], ["rs3"], name="sq", axes=[1]),  # [N,4,8]
        helper.make_node("MatMul", ["g3", "mw"], ["mmw"], name="matmul_const"),  # [N,4,5]
        helper.make_node("Sub", ["two", "mmw"], ["neg"], name="sub_const_left"),
        helper.make_node("ArgMax", ["neg"], ["am"], name="argmax", axis=2, keepdims=0),
        helper.make_node("TopK", ["neg", "k"], ["tv", "ti"], name="topk", axis=-1),
        helper.make_node("Dropout", ["rs3"], ["d"], name="dropout"),
        helper.make_node("Identity", ["d"], ["y"], name="identity"),
    ]
    inits.append(numpy_helper.from_array(np.array([-1, 4, 6], np.int64), "shape3"))
    inits[4] = numpy_helper.from_array(np.array([2, 1, 8, 12], np.int64), "sizes")
    # A fixed batch: Flatten at axis 2 folds it into the rows.
    graph = helper.make_graph(nodes, "misc", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3, 7, 5])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 8, 12]),
                               helper.make_tensor_value_info("am", TensorProto.INT64, [2, 4]),
                               helper.make_tensor_value_info("tv", TensorProto.FLOAT, [2, 4, 3]),
                               helper.make_tensor_value_info("ti", TensorProto.INT64, [2, 4, 3])], inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 11)], producer_name="edgerun-gen")
    m.ir_version = 6
    onnx.checker.check_model(m)
    onnx.save(m, os.path.join(HERE, "misc.onnx"))
    save_inputs("misc", {"x": f(2, 3, 7, 5)})


def main():
    torch.manual_seed(0)
    cnn = CNN()
    with torch.no_grad():  # non-trivial batch-norm statistics
        for bn in (cnn.bn1, cnn.bn2):
            bn.running_mean.uniform_(-0.5, 0.5)
            bn.running_var.uniform_(0.5, 2.0)
            bn.weight.uniform_(0.5, 1.5)
            bn.bias.uniform_(-0.2, 0.2)
    # PRESERVE keeps the BatchNormalization nodes (EVAL folds them into the convs).
    export("cnn", cnn, torch.randn(2, 3, 20, 20), 13, training=torch.onnx.TrainingMode.PRESERVE)
    export("mlp", MLP(), torch.randn(4, 20), 11)
    export("shapes", Shapes(), torch.randn(2, 4, 8, 8), 17)
    export("norm", Norm(), torch.randn(3, 5, 12), 17)
    qdq_model()
    qdq_s8_model()
    misc_model()


if __name__ == "__main__":
    main()
