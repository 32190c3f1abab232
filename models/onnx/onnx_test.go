package onnx

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/edgerun/edgerun/runtime"
)

type jsonTensor struct {
	DType string    `json:"dtype"`
	Shape []int     `json:"shape"`
	Data  []float64 `json:"data"`
}

func readJSON(t *testing.T, path string) map[string]jsonTensor {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]jsonTensor
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// runConverted converts model, round-trips it through a file and runs it
// on the inputs, returning the outputs by name.
func runConverted(t *testing.T, model string, inputs map[string]jsonTensor) (map[string]*runtime.Tensor, *runtime.Model) {
	t.Helper()
	f, err := ConvertFile(model)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "m.edgerun")
	if err := f.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	m, err := runtime.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	batch := 1
	for _, in := range inputs {
		batch = in.Shape[0]
	}
	s, err := m.NewSession(runtime.WithBatch(batch))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for name, in := range inputs {
		x := s.InputByName(name)
		if x == nil {
			t.Fatalf("no input %q", name)
		}
		if x.Len() != len(in.Data) {
			t.Fatalf("input %q: %v, data has %d values", name, x.Shape(), len(in.Data))
		}
		for i, v := range in.Data {
			x.F32()[i] = float32(v)
		}
	}
	if err := s.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	out := map[string]*runtime.Tensor{}
	for i := 0; i < s.NumOutputs(); i++ {
		o := s.Output(i)
		cp, _ := runtime.TensorFrom(o.DType(), o.Shape(), append([]byte(nil), o.Bytes()...))
		out[m.Outputs()[i].Name] = cp
	}
	return out, m
}

func values(t *runtime.Tensor) []float64 {
	var v []float64
	switch t.DType() {
	case runtime.F32:
		for _, x := range t.F32() {
			v = append(v, float64(x))
		}
	case runtime.S32:
		for _, x := range t.S32() {
			v = append(v, float64(x))
		}
	}
	return v
}

// TestAgainstONNXRuntime compares each converted fixture's outputs with
// ONNX Runtime's (recorded by bench/onnx_compare.sh).
func TestAgainstONNXRuntime(t *testing.T) {
	cases := []struct {
		name string
		tol  float64 // absolute
		ops  []string
	}{
		{"cnn", 1e-4, []string{"conv2d", "batchnorm", "maxpool2d", "flatten", "dense", "sigmoid"}},
		{"mlp", 1e-4, []string{"dense", "tanh", "gelu", "clip", "softmax"}},
		{"shapes", 1e-4, []string{"avgpool2d", "upsample", "slice", "concat", "pad", "reshape", "transpose", "softmax", "conv1d", "global_avg_pool"}},
		{"norm", 1e-4, []string{"dense", "layer_norm", "silu", "global_avg_pool", "add"}},
		{"misc", 1e-4, []string{"conv2d", "clip", "pad", "maxpool2d", "reshape", "dense", "softmax", "transpose", "matmul", "upsample", "sub", "argmax", "topk"}},
		// QDQ: the int8 layers round their accumulators as ONNX Runtime's
		// QLinear kernels do; the bound allows one output quantisation
		// step (0.05) where a product lands within float rounding of a
		// .5 boundary.
		{"qdq", 0.05 + 1e-6, []string{"quantize", "qconv2d", "dequantize", "qdense", "maxpool2d"}},
		{"qdq_s8", 0.1 + 1e-6, []string{"quantize", "qdense", "dequantize", "add"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			base := filepath.Join("testdata", tc.name)
			inputs := readJSON(t, base+".inputs.json")
			want := readJSON(t, base+".ort.json")
			got, m := runConverted(t, base+".onnx", inputs)
			ops := map[string]bool{}
			for _, n := range m.Graph().Nodes {
				ops[n.Op] = true
			}
			for _, op := range tc.ops {
				if !ops[op] {
					t.Errorf("converted graph has no %s node (ops %v)", op, ops)
				}
			}
			for name, w := range want {
				g := got[name]
				if g == nil {
					t.Fatalf("no output %q", name)
				}
				gv := values(g)
				if len(gv) != len(w.Data) {
					t.Fatalf("output %q: %v, want shape %v", name, g.Shape(), w.Shape)
				}
				worst, off := 0.0, 0
				for i := range gv {
					d := math.Abs(gv[i] - w.Data[i])
					worst = max(worst, d)
					if d > 1e-6 {
						off++
					}
				}
				t.Logf("%s: %d values, max |edgerun - ORT| = %.3g, %d differ by more than 1e-6", name, len(gv), worst, off)
				if worst > tc.tol {
					t.Errorf("%s: max difference %g > %g", name, worst, tc.tol)
				}
			}
		})
	}
}

func TestUnsupportedOpNamesNode(t *testing.T) {
	b := buildModel(13, []*nodeSpec{{name: "weird", op: "Hardmax", in: []string{"x"}, out: []string{"y"}}})
	_, err := ConvertBytes(b)
	var oe *OpError
	if !errors.As(err, &oe) || oe.Node != "weird" || oe.OpType != "Hardmax" || !errors.Is(err, ErrUnsupported) {
		t.Fatalf("got %v", err)
	}
}

func TestOpsetRange(t *testing.T) {
	for _, v := range []int64{10, 18} {
		b := buildModel(v, []*nodeSpec{{name: "r", op: "Relu", in: []string{"x"}, out: []string{"y"}}})
		if _, err := ConvertBytes(b); !errors.Is(err, ErrUnsupported) {
			t.Errorf("opset %d: %v", v, err)
		}
	}
	b := buildModel(17, []*nodeSpec{{name: "r", op: "Relu", in: []string{"x"}, out: []string{"y"}}})
	f, err := ConvertBytes(b)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Encode(&buf); err != nil {
		t.Fatal(err)
	}
	m, err := runtime.OpenBytes(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if d := m.Inputs()[0].Shape; d[0] != runtime.Batch {
		t.Errorf("input shape %v: the symbolic first dimension should be the batch", d)
	}
	if m.Metadata(MetaONNXOpset) != "17" {
		t.Errorf("opset metadata %q", m.Metadata(MetaONNXOpset))
	}
}

// TestPretrainedAgainstONNXRuntime converts the Fashion-MNIST models
// exported by models/train and compares them with ONNX Runtime on the 16
// sample images (models/onnx/COMPARE.md records the result).
func TestPretrainedAgainstONNXRuntime(t *testing.T) {
	for _, name := range []string{"pixel_classifier", "latent_classifier", "sae_encoder"} {
		t.Run(name, func(t *testing.T) {
			model := filepath.Join("..", "pretrained", name+".onnx")
			if _, err := os.Stat(model); err != nil {
				t.Skipf("%s not present", model)
			}
			base := filepath.Join("testdata", "pretrained", name)
			inputs := readJSON(t, base+".inputs.json")
			want := readJSON(t, base+".ort.json")
			got, _ := runConverted(t, model, inputs)
			for oname, w := range want {
				g := values(got[oname])
				if len(g) != len(w.Data) {
					t.Fatalf("%s: %d values, want %d", oname, len(g), len(w.Data))
				}
				worst, agree := 0.0, 0
				rows := w.Shape[0]
				cols := len(g) / rows
				for r := 0; r < rows; r++ {
					ga, wa := 0, 0
					for c := 0; c < cols; c++ {
						i := r*cols + c
						worst = max(worst, math.Abs(g[i]-w.Data[i]))
						if g[i] > g[r*cols+ga] {
							ga = c
						}
						if w.Data[i] > w.Data[r*cols+wa] {
							wa = c
						}
					}
					if ga == wa {
						agree++
					}
				}
				t.Logf("| %s | %s %v | %.3g | %d/%d |", name, oname, w.Shape, worst, agree, rows)
				if worst > 1e-4 {
					t.Errorf("%s: max difference %g > 1e-4", oname, worst)
				}
			}
		})
	}
}

func BenchmarkConvert(b *testing.B) {
	for _, name := range []string{"cnn", "shapes", "qdq"} {
		data, err := os.ReadFile(filepath.Join("testdata", name+".onnx"))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := ConvertBytes(data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
