package runtime

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/edgerun/edgerun/internal/npy"
)

// The op wrappers are checked end to end against the PyTorch reference
// vectors of the kernels (testdata/torchref): each case becomes a model
// file with one op (two for batchnorm folding), is written, opened,
// planned and run, and its outputs compared with PyTorch's.

type torchCase struct {
	Name    string          `json:"name"`
	Op      string          `json:"op"`
	Params  json.RawMessage `json:"params"`
	Tensors []string        `json:"tensors"`
}

func loadTorchCases(t *testing.T) []torchCase {
	b, err := os.ReadFile(filepath.Join("testdata", "torchref", "cases.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cs []torchCase
	if err := json.Unmarshal(b, &cs); err != nil {
		t.Fatal(err)
	}
	return cs
}

func (c *torchCase) tensor(t *testing.T, name string) *Tensor {
	t.Helper()
	for _, n := range c.Tensors {
		if n != name {
			continue
		}
		a, err := npy.ReadFile(filepath.Join("testdata", "torchref", c.Name+"."+name+".npy"))
		if err != nil {
			t.Fatal(err)
		}
		if a.Dtype == "f4" {
			v, _ := a.Float32()
			x, err := F32Tensor(v, a.Shape...)
			if err != nil {
				t.Fatal(err)
			}
			return x
		}
		switch a.Dtype {
		case "u1":
			x, _ := NewTensor(U8, a.Shape...)
			copy(x.U8(), a.Data)
			return x
		case "i1":
			v, _ := a.Int8()
			x, _ := NewTensor(S8, a.Shape...)
			copy(x.S8(), v)
			return x
		}
		v, err := a.Int32()
		if err != nil {
			t.Fatal(err)
		}
		x, _ := NewTensor(S32, a.Shape...)
		copy(x.S32(), v)
		return x
	}
	return nil
}

// opCase describes how a reference case maps onto a graph.
type opCase struct {
	op      string
	attrs   map[string]any
	inputs  []string // first is the graph input, the rest initializers ("" absent)
	outputs []string // reference tensors the outputs are compared with
	batched bool     // dimension 0 of the graph input is the dynamic batch
	reshape []int    // declare the graph input with this shape instead
}

func mapCase(t *testing.T, c *torchCase) (opCase, bool) {
	var p map[string]any
	json.Unmarshal(c.Params, &p)
	i := func(k string) int { return int(p[k].(float64)) }
	opt := func(n string) string {
		for _, x := range c.Tensors {
			if x == n {
				return n
			}
		}
		return ""
	}
	xy := opCase{op: c.Op, inputs: []string{"x"}, outputs: []string{"y"}}
	conv2d := func() map[string]any {
		return map[string]any{"stride": []int{i("StrideH"), i("StrideW")}, "dilation": []int{i("DilationH"), i("DilationW")},
			"padding": []int{i("PadTop"), i("PadLeft"), i("PadBottom"), i("PadRight")}, "groups": i("Groups")}
	}
	switch c.Op {
	case "conv2d":
		return opCase{op: "conv2d", attrs: conv2d(), inputs: []string{"x", "w", opt("b")}, outputs: []string{"y"}, batched: true}, true
	case "conv1d":
		return opCase{op: "conv1d", attrs: map[string]any{"stride": i("Stride"), "dilation": i("Dilation"),
			"padding": []int{i("PadLeft"), i("PadRight")}, "groups": i("Groups")}, inputs: []string{"x", "w", opt("b")}, outputs: []string{"y"}, batched: true}, true
	case "dense":
		return opCase{op: "dense", inputs: []string{"x", "w", opt("b")}, outputs: []string{"y"}, batched: true}, true
	case "matmul":
		return opCase{op: "matmul", inputs: []string{"a", "b"}, outputs: []string{"y"}}, true
	case "relu", "gelu", "silu", "sigmoid", "tanh":
		return xy, true
	case "clip":
		xy.attrs = map[string]any{"min": p["Min"], "max": p["Max"]}
		return xy, true
	case "add", "sub", "mul", "div":
		return opCase{op: c.Op, inputs: []string{"a", "b"}, outputs: []string{"y"}}, true
	case "softmax", "argmax":
		xy.attrs = map[string]any{"axis": i("Axis")}
		return xy, true
	case "batchnorm":
		return opCase{op: "batchnorm", attrs: map[string]any{"epsilon": p["Eps"]}, inputs: []string{"x", "gamma", "beta", "mean", "var"}, outputs: []string{"y"}, batched: true}, true
	case "groupnorm":
		return opCase{op: "group_norm", attrs: map[string]any{"epsilon": p["Eps"], "groups": i("Groups")}, inputs: []string{"x", opt("gamma"), opt("beta")}, outputs: []string{"y"}, batched: true}, true
	case "layernorm":
		x := c.tensor(t, "x")
		ax := len(x.shape) - 1
		for prod(x.shape[ax:]) != i("Inner") {
			ax--
		}
		return opCase{op: "layer_norm", attrs: map[string]any{"epsilon": p["Eps"], "axis": ax}, inputs: []string{"x", opt("gamma"), opt("beta")}, outputs: []string{"y"}}, true
	case "maxpool", "avgpool":
		if i("PadTop") != i("PadBottom") || i("PadLeft") != i("PadRight") {
			return opCase{}, false
		}
		xy.op = c.Op + "2d"
		xy.attrs = map[string]any{"kernel": []int{i("KH"), i("KW")}, "stride": []int{i("StrideH"), i("StrideW")},
			"padding": []int{i("PadTop"), i("PadLeft")}, "count_include_pad": p["CountIncludePad"]}
		xy.batched = true
		return xy, true
	case "globalavgpool":
		xy.op = "global_avg_pool"
		return xy, true
	case "upsample":
		xy.attrs = map[string]any{"scale": []int{i("ScaleH"), i("ScaleW")}}
		xy.batched = true
		return xy, true
	case "permute":
		xy.op, xy.attrs = "transpose", map[string]any{"perm": p["Perm"]}
		return xy, true
	case "concat":
		in := []string{"a", "b"}
		if opt("c") != "" {
			in = append(in, "c")
		}
		return opCase{op: "concat", attrs: map[string]any{"axis": 1}, inputs: in, outputs: []string{"y"}}, true
	case "slice":
		xy.attrs = map[string]any{"starts": p["Starts"], "ends": p["Ends"], "steps": p["Steps"]}
		return xy, true
	case "pad":
		mode := "constant"
		if i("Mode") == 1 {
			mode = "reflect"
		}
		xy.attrs = map[string]any{"before": p["Before"], "after": p["After"], "mode": mode, "value": p["Value"]}
		return xy, true
	case "topk":
		return opCase{op: "topk", attrs: map[string]any{"k": i("K"), "axis": i("Axis"), "largest": p["Largest"]}, inputs: []string{"x"}, outputs: []string{"values", "indices"}}, true
	case "nearestcentroid":
		return opCase{op: "nearest_centroid", inputs: []string{"x", "centroids"}, outputs: []string{"y"}, batched: true}, true
	case "qconv2d":
		a := conv2d()
		a["x_zero"], a["y_zero"] = i("XZero"), i("YZero")
		return opCase{op: "qconv2d", attrs: a, inputs: []string{"x", "w", opt("bias"), "mult"}, outputs: []string{"y"}, batched: true}, true
	case "qdense":
		return opCase{op: "qdense", attrs: map[string]any{"x_zero": i("XZero"), "y_zero": i("YZero")},
			inputs: []string{"x", "w", opt("bias"), "mult"}, outputs: []string{"y"}, batched: true}, true
	case "attention":
		return opCase{op: "attention", attrs: map[string]any{"groups": i("Groups"), "epsilon": p["Eps"]},
			inputs: []string{"x", "gamma", "beta", "wq", "bq", "wk", "bk", "wv", "bv", "wo", "bo"}, outputs: []string{"y"}, batched: true}, true
	}
	return opCase{}, false
}

// runCase builds, opens and runs the model of one case; concat feeds its
// extra inputs as initializers.
func runCase(t *testing.T, c *torchCase, oc opCase, threads int) []*Tensor {
	t.Helper()
	x := c.tensor(t, oc.inputs[0])
	dims := Dims(append([]int(nil), x.shape...))
	batch := 1
	if oc.batched {
		batch, dims[0] = x.shape[0], Batch
	}
	f := &File{Graph: &Graph{Inputs: []ValueInfo{{Name: "in", DType: x.dtype, Shape: dims}}}, Tensors: map[string]*Tensor{}}
	node := Node{Name: "op", Op: oc.op, Inputs: []string{"in"}, Attrs: attrs(t, oc.attrs)}
	for _, n := range oc.inputs[1:] {
		node.Inputs = append(node.Inputs, n)
		if n != "" {
			f.Tensors[n] = c.tensor(t, n)
		}
	}
	for j := range oc.outputs {
		out := "out" + string(rune('0'+j))
		node.Outputs = append(node.Outputs, out)
		f.Graph.Outputs = append(f.Graph.Outputs, ValueInfo{Name: out})
	}
	f.Graph.Nodes = []Node{node}
	m := openModel(t, f)
	s := newSession(t, m, WithBatch(batch), WithThreads(threads))
	copy(s.Input(0).data, x.data)
	if err := s.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	// Every op's Run is allocation-free, single- and multi-threaded.
	if n := testing.AllocsPerRun(3, func() { s.Run(context.Background()) }); n != 0 {
		t.Errorf("%s: Run allocates %v times", c.Name, n)
	}
	outs := make([]*Tensor, len(oc.outputs))
	for j := range outs {
		outs[j] = s.Output(j)
	}
	return outs
}

// compareRef checks |got-want| <= tol·max(1, max|want|), the measure the
// kernel tests use, and exact equality for integer outputs.
func compareRef(t *testing.T, name string, got, want *Tensor, tol float64) {
	t.Helper()
	if !shapeEqual(got.shape, want.shape) && prod(got.shape) != prod(want.shape) {
		t.Fatalf("%s: shape %v, want %v", name, got.shape, want.shape)
	}
	if got.dtype != want.dtype {
		t.Fatalf("%s: %s, want %s", name, got.dtype, want.dtype)
	}
	if want.dtype != F32 {
		if !bytes.Equal(got.data, want.data) {
			t.Fatalf("%s: integer output differs", name)
		}
		return
	}
	w := want.F32()
	scale := 1.0
	for _, v := range w {
		scale = math.Max(scale, math.Abs(float64(v)))
	}
	for i, v := range got.F32() {
		if e := math.Abs(float64(v)-float64(w[i])) / scale; !(e <= tol) {
			t.Fatalf("%s[%d] = %v, want %v", name, i, v, w[i])
		}
	}
}

func TestOpsMatchTorch(t *testing.T) {
	covered := map[string]bool{}
	for _, c := range loadTorchCases(t) {
		oc, ok := mapCase(t, &c)
		if !ok {
			continue
		}
		covered[oc.op] = true
		for _, threads := range []int{1, 2} {
			outs := runCase(t, &c, oc, threads)
			for j, name := range oc.outputs {
				compareRef(t, c.Name+"/"+name, outs[j], c.tensor(t, name), 2e-5)
			}
		}
	}
	// Ops checked elsewhere: views and casts by hand, quantisation against
	// NumPy, the codec ops against the WaLLoC reference (walloc_test.go),
	// compressed dense layers against decode-then-f32 (ops_encoded_test.go).
	for _, op := range []string{"flatten", "reshape", "cast", "quantize", "dequantize", "wpt", "iwpt", "compand", "decompand", "round_s8", "dense_encoded"} {
		covered[op] = true
	}
	for _, op := range Ops() {
		if !covered[op] {
			t.Errorf("op %s has no PyTorch reference case", op)
		}
	}
}

// TestFoldedBatchNormMatchesTorch runs conv2d → batchnorm, folded at load,
// against PyTorch's unfused pair.
func TestFoldedBatchNormMatchesTorch(t *testing.T) {
	for _, c := range loadTorchCases(t) {
		if c.Op != "fold" {
			continue
		}
		oc, _ := mapCase(t, &torchCase{Op: "conv2d", Params: c.Params, Tensors: c.Tensors})
		x := c.tensor(t, "x")
		f := &File{
			Graph: &Graph{
				Inputs:  []ValueInfo{{Name: "in", DType: F32, Shape: Dims{Batch, x.shape[1], x.shape[2], x.shape[3]}}},
				Outputs: []ValueInfo{{Name: "y"}},
				Nodes: []Node{
					{Name: "conv", Op: "conv2d", Inputs: []string{"in", "w", "b"}, Outputs: []string{"c"}, Attrs: attrs(t, oc.attrs)},
					{Name: "bn", Op: "batchnorm", Inputs: []string{"c", "gamma", "beta", "mean", "var"}, Outputs: []string{"y"}, Attrs: attrs(t, map[string]any{"epsilon": 1e-3})},
				},
			},
			Tensors: map[string]*Tensor{},
		}
		for _, n := range []string{"w", "b", "gamma", "beta", "mean", "var"} {
			f.Tensors[n] = c.tensor(t, n)
		}
		m := openModel(t, f)
		if m.FoldedBatchNorms() != 1 {
			t.Fatal("batchnorm not folded")
		}
		s := newSession(t, m, WithBatch(x.shape[0]))
		copy(s.Input(0).F32(), x.F32())
		if err := s.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		compareRef(t, c.Name, s.Output(0), c.tensor(t, "y"), 2e-5)
		return
	}
	t.Fatal("no fold case")
}

// TestQuantizeMatchesNumPy runs quantize → dequantize on the reference
// cases, for U8 and I8.
func TestQuantizeMatchesNumPy(t *testing.T) {
	n := 0
	for _, c := range loadTorchCases(t) {
		if c.Op != "quantize" {
			continue
		}
		n++
		var p struct {
			Scale float32
			Zero  int32
		}
		json.Unmarshal(c.Params, &p)
		x, q, deq := c.tensor(t, "x"), c.tensor(t, "q"), c.tensor(t, "deq")
		qa := attrs(t, map[string]any{"scale": p.Scale, "zero_point": p.Zero, "dtype": q.dtype})
		f := &File{Graph: &Graph{
			Inputs:  []ValueInfo{{Name: "x", DType: F32, Shape: Dims(x.shape)}},
			Outputs: []ValueInfo{{Name: "q"}, {Name: "deq"}},
			Nodes: []Node{
				{Name: "quant", Op: "quantize", Inputs: []string{"x"}, Outputs: []string{"q"}, Attrs: qa},
				{Name: "dequant", Op: "dequantize", Inputs: []string{"q"}, Outputs: []string{"deq"}, Attrs: qa},
			},
		}}
		s := newSession(t, openModel(t, f))
		copy(s.Input(0).data, x.data)
		if err := s.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		compareRef(t, c.Name+"/q", s.Output(0), q, 0)
		compareRef(t, c.Name+"/deq", s.Output(1), deq, 0)
	}
	if n == 0 {
		t.Fatal("no quantize cases")
	}
}
