package onnx

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/edgerun/edgerun/runtime"
)

func attrStr(name, v string) *pb { return (&pb{}).str(1, name).varint(20, attrString).str(4, v) }

func floatTensor(name string, shape []int64, v ...float32) *pb {
	t := (&pb{}).str(8, name).varint(2, tFloat)
	for _, d := range shape {
		t.varint(1, d)
	}
	for _, x := range v {
		t.f32(4, x)
	}
	return t
}

// A symbolic dimension other than the first needs WithInputShape.
func TestSymbolicDims(t *testing.T) {
	g := &pb{}
	g.msg(1, (&pb{}).str(1, "x").str(2, "y").str(3, "r").str(4, "Relu"))
	g.msg(11, vinfo("x", "N", 3, "H", 4))
	g.msg(12, vinfo("y"))
	m := (&pb{}).varint(1, 8).msg(7, g).msg(8, (&pb{}).varint(2, 13))
	_, err := ConvertBytes(m.b)
	if !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), "WithInputShape") {
		t.Fatalf("got %v", err)
	}
	f, err := ConvertBytes(m.b, WithInputShape("x", -1, 3, 5, 4), WithProvenance("test"))
	if err != nil {
		t.Fatal(err)
	}
	if s := f.Graph.Inputs[0].Shape; s[0] != runtime.Batch || s[2] != 5 {
		t.Fatalf("input shape %v", s)
	}
	if !strings.Contains(f.Metadata[runtime.MetaProvenance], `"note":"test"`) {
		t.Fatalf("provenance %q", f.Metadata[runtime.MetaProvenance])
	}
}

// Conversion errors name the node and the op type, and say why.
func TestOpErrors(t *testing.T) {
	cases := []struct {
		name  string
		nodes []*nodeSpec
		inits []*pb
		op    string
		why   string
	}{
		{"dynamic weights", []*nodeSpec{{name: "c", op: "Conv", in: []string{"x", "x"}, out: []string{"y"}}}, nil, "Conv", "constant"},
		{"resize linear", []*nodeSpec{{name: "rz", op: "Resize", in: []string{"x", "", "sc"}, out: []string{"y"}, attrs: []*pb{attrStr("mode", "linear")}}},
			[]*pb{floatTensor("sc", []int64{4}, 1, 1, 2, 2)}, "Resize", "linear"},
		{"resize fraction", []*nodeSpec{{name: "rz", op: "Resize", in: []string{"x", "", "sc"}, out: []string{"y"},
			attrs: []*pb{attrStr("coordinate_transformation_mode", "asymmetric"), attrStr("nearest_mode", "floor")}}},
			[]*pb{floatTensor("sc", []int64{4}, 1, 1, 1.5, 2)}, "Resize", "integer"},
		{"pad edge", []*nodeSpec{{name: "p", op: "Pad", in: []string{"x", "pads"}, out: []string{"y"}, attrs: []*pb{attrStr("mode", "edge")}}},
			[]*pb{int64Tensor("pads", 0, 0, 1, 1, 0, 0, 1, 1)}, "Pad", "edge"},
		{"pad batch", []*nodeSpec{{name: "p", op: "Pad", in: []string{"x", "pads"}, out: []string{"y"}}},
			[]*pb{int64Tensor("pads", 1, 0, 0, 0, 0, 0, 0, 0)}, "Pad", "batch"},
		{"transpose batch", []*nodeSpec{{name: "t", op: "Transpose", in: []string{"x"}, out: []string{"y"},
			attrs: []*pb{(&pb{}).str(1, "perm").varint(20, attrInts).varint(8, 1).varint(8, 0).varint(8, 2).varint(8, 3)}}},
			nil, "Transpose", "batch"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ConvertBytes(buildModelWith(13, tc.nodes, tc.inits))
			var oe *OpError
			if !errors.As(err, &oe) || oe.OpType != tc.op || oe.Node != tc.nodes[0].name || !errors.Is(err, ErrUnsupported) {
				t.Fatalf("got %v", err)
			}
			if !strings.Contains(err.Error(), tc.why) {
				t.Fatalf("%v does not say %q", err, tc.why)
			}
		})
	}
}

// The batch dimension of a converted model is chosen per session: a
// single sample at batch 1 matches ONNX Runtime's row for it.
func TestBatchOne(t *testing.T) {
	inputs := readJSON(t, filepath.Join("testdata", "cnn.inputs.json"))
	want := readJSON(t, filepath.Join("testdata", "cnn.ort.json"))
	f, err := ConvertFile(filepath.Join("testdata", "cnn.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "cnn.edgerun")
	if err := f.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	m, err := runtime.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if m.FoldedBatchNorms() != 2 {
		t.Errorf("%d batch norms folded into the convolutions, want 2", m.FoldedBatchNorms())
	}
	s, err := m.NewSession(runtime.WithBatch(1))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	x := s.Input(0).F32()
	for i := range x {
		x[i] = float32(inputs["x"].Data[len(x)+i]) // the second sample
	}
	if err := s.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	for i, v := range s.Output(0).F32() {
		if d := float64(v) - want["y"].Data[10+i]; d > 1e-4 || d < -1e-4 {
			t.Fatalf("logit %d: %v, ORT %v", i, v, want["y"].Data[10+i])
		}
	}
}

// Node names may repeat or be empty in ONNX; the runtime's must not.
func TestNodeNames(t *testing.T) {
	b := buildModel(13, []*nodeSpec{
		{name: "same", op: "Relu", in: []string{"x"}, out: []string{"a"}},
		{name: "same", op: "Sigmoid", in: []string{"a"}, out: []string{"b"}},
		{name: "", op: "Tanh", in: []string{"b"}, out: []string{"c"}},
		{name: "", op: "Tanh", in: []string{"c"}, out: []string{"d"}},
		{name: "__r", op: "Relu", in: []string{"d"}, out: []string{"__e"}},
		{name: "t", op: "Tanh", in: []string{"__e"}, out: []string{"f"}},
		{name: "id", op: "Identity", in: []string{"f"}, out: []string{"y"}},
	})
	f, err := ConvertBytes(b)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, n := range f.Graph.Nodes {
		if n.Name == "" || seen[n.Name] {
			t.Fatalf("node name %q repeated or empty", n.Name)
		}
		seen[n.Name] = true
	}
	if len(f.Graph.Nodes) != 6 || f.Graph.Outputs[0].Name != "y" {
		t.Fatalf("%d nodes, output %q", len(f.Graph.Nodes), f.Graph.Outputs[0].Name)
	}
}

// Both orders of the erf GELU become one exact gelu node.
func TestGeluPatterns(t *testing.T) {
	inits := []*pb{floatTensor("sqrt2", nil, 1.4142135), floatTensor("one", nil, 1), floatTensor("half", nil, 0.5)}
	common := []*nodeSpec{
		{name: "div", op: "Div", in: []string{"x", "sqrt2"}, out: []string{"d"}},
		{name: "erf", op: "Erf", in: []string{"d"}, out: []string{"e"}},
		{name: "add", op: "Add", in: []string{"e", "one"}, out: []string{"a"}},
	}
	orders := map[string][]*nodeSpec{
		"x·(1+erf)·0.5": {{name: "m1", op: "Mul", in: []string{"x", "a"}, out: []string{"m"}},
			{name: "m2", op: "Mul", in: []string{"m", "half"}, out: []string{"y"}}},
		"(0.5·x)·(1+erf)": {{name: "h", op: "Mul", in: []string{"x", "half"}, out: []string{"hx"}},
			{name: "m2", op: "Mul", in: []string{"hx", "a"}, out: []string{"y"}}},
	}
	for name, tail := range orders {
		t.Run(name, func(t *testing.T) {
			nodes := append(append([]*nodeSpec{}, common...), tail...)
			f, err := ConvertBytes(buildModelWith(13, nodes, inits))
			if err != nil {
				t.Fatal(err)
			}
			if len(f.Graph.Nodes) != 1 || f.Graph.Nodes[0].Op != "gelu" {
				t.Fatalf("nodes %+v, want one gelu", f.Graph.Nodes)
			}
		})
	}
}
