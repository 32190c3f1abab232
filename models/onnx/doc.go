// Package onnx converts ONNX models (ai.onnx opsets 11 to 17) into edgerun
// deployment files:
//
//	f, err := onnx.ConvertFile("model.onnx")
//	err = f.WriteFile("model.edgerun")
//
// The importer decodes the ModelProto with its own bounds-checked protobuf
// reader (no protobuf runtime in the binary), folds everything computable
// at import (Constant nodes, the Shape → Gather → Unsqueeze → Concat →
// Reshape chains torch.onnx.export writes, constant arithmetic, Cast,
// Range, ConstantOfShape, dequantised weights), and maps the remaining
// nodes onto the runtime's op set. A symbolic (or unknown) first input
// dimension becomes the runtime's batch dimension "N"; other symbolic
// dimensions must be fixed with WithInputShape. The converted file is
// opened with the runtime before Convert returns, so a conversion that
// succeeds gives a file that loads.
//
// Supported ONNX ops and what they become:
//
//   - Conv (1-D, 2-D; group, strides, dilations, pads, auto_pad) → conv1d, conv2d
//   - Gemm (transB, alpha, beta; constant B and C) → dense; MatMul with a
//     constant right operand → dense (a following Add of a bias vector
//     folded in), with two run-time operands → matmul
//   - Add, Sub, Mul, Div (constants become initializers) → add, sub, mul, div
//   - Relu, Sigmoid, Tanh, Gelu and the erf GELU pattern
//     (Div(x, √2) → Erf → Add 1 → Mul x → Mul 0.5) → relu, sigmoid, tanh, gelu
//   - Clip (constant min/max inputs) → clip
//   - Softmax → softmax; before opset 13 the flatten-to-2-D semantics are
//     kept with reshapes around it
//   - MaxPool, AveragePool (2-D, symmetric pads, count_include_pad),
//     GlobalAveragePool → maxpool2d, avgpool2d, global_avg_pool
//   - BatchNormalization (inference) → batchnorm (folded by the runtime);
//     LayerNormalization → layer_norm; Sigmoid(x)·x → silu
//   - Flatten, Reshape (constant shape, 0 and -1), Squeeze, Unsqueeze →
//     flatten, reshape; Transpose, Concat, Slice (constant arguments), Pad
//     (constant, reflect) → transpose, concat, slice, pad
//   - Resize, Upsample (nearest, integer scales, from scales or sizes) → upsample
//   - ArgMax, TopK → argmax, topk (indices as I32)
//   - Identity, Dropout → nothing (the value passes through)
//   - Cast of run-time values → nothing or cast
//   - QuantizeLinear, DequantizeLinear (per-tensor u8 or s8 activations):
//     DequantizeLinear → Conv/Gemm/MatMul → [Relu] → QuantizeLinear with s8
//     weights (per-tensor or per-output-channel scales, zero point 0) and
//     an int32 bias becomes qconv2d or qdense; Flatten and Reshape move
//     across a pending dequantisation; any other Q/DQ becomes
//     quantize/dequantize.
//
// Anything else is an *OpError naming the node and its op type, wrapping
// ErrUnsupported; malformed bytes give errors wrapping ErrMalformed.
package onnx
