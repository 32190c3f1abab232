package runtime

import (
	"context"
	"encoding/json"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/edgerun/edgerun/quant"
	"github.com/stretchr/testify/require"
)

// encodedFile writes x[N, cols] → dense_encoded(spec) → y, storing the
// parts as tensors "w/<part>".
func encodedFile(t *testing.T, m quant.Matrix, bias []float32, rank int) string {
	t.Helper()
	s, err := quant.Store(m)
	require.NoError(t, err)
	tensors := map[string]*Tensor{}
	inputs := []string{"x"}
	var names []string
	for _, p := range s.Parts {
		var tt *Tensor
		switch d := p.Data.(type) {
		case []float32:
			tt, err = F32Tensor(d, len(d))
		case []int8:
			tt, err = NewTensor(S8, len(d))
			if err == nil {
				copy(tt.S8(), d)
			}
		case []uint8:
			tt, err = NewTensor(U8, len(d))
			if err == nil {
				copy(tt.U8(), d)
			}
		case []uint16:
			tt, err = NewTensor(F16, len(d))
			if err == nil {
				copy(tt.U16(), d)
			}
		}
		require.NoError(t, err)
		tensors["w/"+p.Name] = tt
		inputs = append(inputs, "w/"+p.Name)
		names = append(names, p.Name)
	}
	if bias != nil {
		b, _ := F32Tensor(bias, len(bias))
		tensors["b"] = b
		inputs = append(inputs, "b")
	}
	attrs, _ := json.Marshal(encodedAttrs{Encoding: s.Encoding, Rows: s.Rows, Cols: s.Cols, Params: s.Params, Parts: names, Rank: rank})
	f := &File{
		Graph: &Graph{
			Inputs:  []ValueInfo{{Name: "x", DType: F32, Shape: Dims{Batch, s.Cols}}},
			Outputs: []ValueInfo{{Name: "y"}},
			Nodes:   []Node{{Name: "fc", Op: "dense_encoded", Inputs: inputs, Outputs: []string{"y"}, Attrs: attrs}},
		},
		Tensors: tensors,
	}
	path := filepath.Join(t.TempDir(), "enc.edgerun")
	require.NoError(t, f.WriteFile(path))
	return path
}

func TestDenseEncoded(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	rows, cols, batch := 12, 40, 3
	w := make([]float32, rows*cols)
	for i := range w {
		w[i] = float32(rng.NormFloat64()) * 0.2
	}
	bias := make([]float32, rows)
	for i := range bias {
		bias[i] = float32(i) * 0.1
	}
	for _, st := range []string{"f16", "bf16", "int8", "int4", "int4-asym", "lowrank:rank=8", "pq:m=4,k=16", "pq:m=4,k=64", "lr2vq:m=8,k=16,d=3"} {
		spec, err := quant.ParseSpec(st)
		require.NoError(t, err)
		m, err := spec.Encode(w, rows, cols)
		require.NoError(t, err)
		for _, withBias := range []bool{false, true} {
			var b []float32
			if withBias {
				b = bias
			}
			rank := 0
			if spec.Kind == "lowrank" {
				rank = 5 // run with fewer ranks than stored
			}
			model, err := Open(encodedFile(t, m, b, rank))
			require.NoError(t, err, st)
			s, err := model.NewSession(WithBatch(batch))
			require.NoError(t, err)
			x := s.Input(0).F32()
			for i := range x {
				x[i] = float32(rng.NormFloat64())
			}
			require.NoError(t, s.Run(context.Background()))
			// Reference: decode the weights actually in use, then f32.
			used := m
			if lr, ok := m.(*quant.LowRank); ok {
				used = lr.WithRank(rank)
			}
			wd := make([]float32, rows*cols)
			used.Decode(wd)
			y := s.Output(0).F32()
			for i := 0; i < batch; i++ {
				for r := 0; r < rows; r++ {
					var ref, mag float64
					for c := 0; c < cols; c++ {
						p := float64(x[i*cols+c]) * float64(wd[r*cols+c])
						ref += p
						mag += math.Abs(p)
					}
					if b != nil {
						ref += float64(b[r])
					}
					tol := 1e-5*mag + 1e-6
					if strings.Contains(st, "k=16") {
						// 4-bit PQ and LR²VQ run on int8 lookup tables: each of the
						// subspaces rounds by at most half a table step
						// (quant.PQ.MatMulLUT states the bound).
						tol = 0.02 * mag
					}
					require.InDelta(t, ref, y[i*rows+r], tol, "%s bias=%v", st, withBias)
				}
			}
			allocs := testing.AllocsPerRun(10, func() { s.Run(context.Background()) })
			require.Zero(t, allocs, st)
			s.Close()
			model.Close()
		}
	}
}

func TestDenseEncodedHostile(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	w := make([]float32, 8*32)
	for i := range w {
		w[i] = float32(rng.NormFloat64())
	}
	m, err := quant.NewInt4(w, 8, 32, false)
	require.NoError(t, err)
	good := encodedFile(t, m, nil, 0)
	_, err = Open(good)
	require.NoError(t, err)
	// The same file claiming more rows than its parts hold is refused at
	// open, naming the node.
	m2, _ := quant.NewInt4(w[:4*32], 4, 32, false)
	path := encodedFile(t, m2, nil, 0)
	f, err := Open(path)
	require.NoError(t, err)
	g := *f.Graph()
	f.Close()
	var a encodedAttrs
	require.NoError(t, json.Unmarshal(g.Nodes[0].Attrs, &a))
	a.Rows = 8
	raw, _ := json.Marshal(a)
	g.Nodes[0].Attrs = raw
	tensors := map[string]*Tensor{}
	f, _ = Open(path)
	for _, n := range f.TensorNames() {
		if !strings.HasPrefix(n, "__") {
			src := f.Tensor(n)
			c, _ := NewTensor(src.DType(), src.Shape()...)
			copy(c.Bytes(), src.Bytes())
			tensors[n] = c
		}
	}
	f.Close()
	bad := filepath.Join(t.TempDir(), "bad.edgerun")
	require.NoError(t, (&File{Graph: &g, Tensors: tensors}).WriteFile(bad))
	_, err = Open(bad)
	require.ErrorIs(t, err, ErrCorruptModel)
	require.Contains(t, err.Error(), "fc")
	require.Contains(t, err.Error(), "codes")
}
