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
    qdq_model()


if __name__ == "__main__":
    main()
