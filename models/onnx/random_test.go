package onnx

import (
	"context"
	"errors"
	"fmt"
	"math/rand"
	"runtime/debug"
	"testing"

	"github.com/edgerun/edgerun/runtime"
)

// TestRandomGraphs builds random small models from the supported op types
// with random inputs, constants and attributes: conversion must return a
// typed error or a model the runtime loads, and never panic. The byte
// fuzzer rarely gets past the protobuf structure; this reaches the op
// handlers.
func TestRandomGraphs(t *testing.T) {
	ops := []string{"Conv", "Gemm", "MatMul", "Add", "Sub", "Mul", "Div", "Relu", "Sigmoid", "Tanh", "Clip", "Softmax",
		"MaxPool", "AveragePool", "GlobalAveragePool", "BatchNormalization", "Flatten", "Reshape", "Transpose", "Concat",
		"Slice", "Pad", "Resize", "Upsample", "ArgMax", "TopK", "Identity", "Dropout", "Cast", "Shape", "Gather",
		"Unsqueeze", "Squeeze", "ConstantOfShape", "Range", "QuantizeLinear", "DequantizeLinear", "LayerNormalization",
		"ReduceMean", "Erf", "Constant", "Neg"}
	attrNames := []string{"axis", "axes", "perm", "pads", "strides", "kernel_shape", "dilations", "group", "transA", "transB",
		"alpha", "beta", "keepdims", "mode", "auto_pad", "to", "epsilon", "ceil_mode", "count_include_pad", "largest", "allowzero", "start", "end"}
	iters := 3000
	if testing.Short() {
		iters = 500
	}
	rng := rand.New(rand.NewSource(randomSeed))
	converted := 0
	smallInts := func(n int) []int64 {
		v := make([]int64, n)
		for i := range v {
			v[i] = int64(rng.Intn(9) - 3)
			if rng.Intn(20) == 0 {
				v[i] = 1 << 62
			}
		}
		return v
	}
	for it := 0; it < iters; it++ {
		var inits []*pb
		values := []string{"x"}
		for k := 0; k < 1+rng.Intn(4); k++ {
			name := fmt.Sprintf("c%d", k)
			if rng.Intn(2) == 0 {
				inits = append(inits, int64Tensor(name, smallInts(rng.Intn(5))...))
			} else {
				dims := []int64{}
				n := int64(1)
				for d := 0; d < rng.Intn(5); d++ {
					dims = append(dims, int64(1+rng.Intn(4)))
					n *= dims[len(dims)-1]
				}
				vals := make([]float32, n)
				for i := range vals {
					vals[i] = float32(rng.NormFloat64())
				}
				inits = append(inits, floatTensor(name, dims, vals...))
			}
			values = append(values, name)
		}
		var nodes []*nodeSpec
		nn := 1 + rng.Intn(5)
		for k := 0; k < nn; k++ {
			ns := &nodeSpec{name: fmt.Sprintf("n%d", k), op: ops[rng.Intn(len(ops))]}
			for i := 0; i < rng.Intn(4)+1; i++ {
				if rng.Intn(8) == 0 {
					ns.in = append(ns.in, "")
				} else {
					ns.in = append(ns.in, values[rng.Intn(len(values))])
				}
			}
			out := fmt.Sprintf("v%d", k)
			if k == nn-1 {
				out = "y"
			}
			ns.out = []string{out}
			if ns.op == "TopK" {
				ns.out = append(ns.out, "idx")
			}
			for i := 0; i < rng.Intn(3); i++ {
				an := attrNames[rng.Intn(len(attrNames))]
				a := (&pb{}).str(1, an)
				switch rng.Intn(4) {
				case 0:
					a.varint(20, attrInt).varint(3, int64(rng.Intn(7)-3))
				case 1:
					a.varint(20, attrInts)
					for _, v := range smallInts(rng.Intn(6)) {
						a.varint(8, v)
					}
				case 2:
					a.varint(20, attrFloat).f32(2, float32(rng.NormFloat64()))
				case 3:
					a.varint(20, attrString).str(4, []string{"SAME_UPPER", "VALID", "nearest", "reflect", "constant", "linear"}[rng.Intn(6)])
				}
				ns.attrs = append(ns.attrs, a)
			}
			nodes = append(nodes, ns)
			values = append(values, out)
		}
		shapes := [][]any{{"N", 3, 4, 4}, {"N", 6}, {"N", 2, 5}, {2, 3, 4, 4}, {"N", 1, 2, 3, 2}, {3}}
		b := buildModelShape(int64(11+rng.Intn(7)), nodes, inits, shapes[rng.Intn(len(shapes))]...)
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Fatalf("iteration %d: panic %v\n%s", it, r, debug.Stack())
				}
			}()
			f, err := ConvertBytes(b)
			if err != nil && !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrUnsupported) {
				t.Fatalf("iteration %d: untyped error %v", it, err)
			}
			if err == nil {
				converted++
				runOnce(t, f)
			}
		}()
	}
	t.Logf("%d of %d random models converted", converted, iters)
}

var randomSeed int64 = 3

// runOnce runs a converted model at batch 2 on a fixed input pattern.
func runOnce(t *testing.T, f *runtime.File) {
	var buf bytesBuffer
	if err := f.Encode(&buf); err != nil {
		t.Fatal(err)
	}
	m, err := runtime.OpenBytes(buf.b)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	s, err := m.NewSession(runtime.WithBatch(2))
	if err != nil {
		t.Fatalf("session: %v", err)
	}
	defer s.Close()
	for i := 0; i < s.NumInputs(); i++ {
		x := s.Input(i).F32()
		for k := range x {
			x[k] = float32(k%7) - 3
		}
	}
	if err := s.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
}
