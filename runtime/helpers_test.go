package runtime

import (
	"encoding/json"
	"math/rand"
	"path/filepath"
	"testing"
	"unsafe"
)

// randTensor returns an F32 tensor of the shape with values in [-1, 1).
func randTensor(t testing.TB, rng *rand.Rand, shape ...int) *Tensor {
	t.Helper()
	x, err := NewTensor(F32, shape...)
	if err != nil {
		t.Fatal(err)
	}
	for i := range x.F32() {
		x.F32()[i] = rng.Float32()*2 - 1
	}
	return x
}

func attrs(t testing.TB, v any) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// cnnFile is a small classifier: conv2d (3→8, 3x3, pad 1, stride 2) →
// batchnorm → relu → flatten → dense (8*4*4 → 10) → softmax, with a
// dynamic batch dimension.
func cnnFile(t testing.TB) *File {
	rng := rand.New(rand.NewSource(1))
	ones := func(n int, v float32) *Tensor {
		x, _ := NewTensor(F32, n)
		for i := range x.F32() {
			x.F32()[i] = v + rng.Float32()*0.1
		}
		return x
	}
	return &File{
		Graph: &Graph{
			Inputs:  []ValueInfo{{Name: "image", DType: F32, Shape: Dims{Batch, 3, 8, 8}}},
			Outputs: []ValueInfo{{Name: "probs", DType: F32, Shape: Dims{Batch, 10}}},
			Nodes: []Node{
				{Name: "conv", Op: "conv2d", Inputs: []string{"image", "conv.w", "conv.b"}, Outputs: []string{"c"},
					Attrs: attrs(t, map[string]any{"stride": 2, "padding": 1})},
				{Name: "bn", Op: "batchnorm", Inputs: []string{"c", "bn.scale", "bn.bias", "bn.mean", "bn.var"}, Outputs: []string{"cb"}},
				{Name: "act", Op: "relu", Inputs: []string{"cb"}, Outputs: []string{"r"}},
				{Name: "flat", Op: "flatten", Inputs: []string{"r"}, Outputs: []string{"f"}},
				{Name: "fc", Op: "dense", Inputs: []string{"f", "fc.w", "fc.b"}, Outputs: []string{"logits"}},
				{Name: "sm", Op: "softmax", Inputs: []string{"logits"}, Outputs: []string{"probs"}},
			},
		},
		Tensors: map[string]*Tensor{
			"conv.w":   randTensor(t, rng, 8, 3, 3, 3),
			"conv.b":   randTensor(t, rng, 8),
			"bn.scale": ones(8, 1),
			"bn.bias":  ones(8, 0),
			"bn.mean":  ones(8, 0),
			"bn.var":   ones(8, 0.5),
			"fc.w":     randTensor(t, rng, 10, 128),
			"fc.b":     randTensor(t, rng, 10),
		},
		Metadata: map[string]string{MetaProvenance: "test: cnnFile"},
	}
}

func writeModel(t testing.TB, f *File) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "model.edgerun")
	if err := f.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	return path
}

func openModel(t testing.TB, f *File, opts ...Option) *Model {
	t.Helper()
	m, err := Open(writeModel(t, f), opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

func newSession(t testing.TB, m *Model, opts ...SessionOption) *Session {
	t.Helper()
	s, err := m.NewSession(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func fill(t *Tensor, seed int64) {
	rng := rand.New(rand.NewSource(seed))
	for i := range t.F32() {
		t.F32()[i] = rng.Float32()*2 - 1
	}
}

func ptrOf(b []byte) uintptr {
	if len(b) == 0 {
		return 0
	}
	return uintptr(unsafe.Pointer(&b[0]))
}
