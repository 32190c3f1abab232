package runtime

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"github.com/edgerun/edgerun/internal/npy"
	"github.com/edgerun/edgerun/simd"
)

// The WaLLoC encoder and decoder run as graphs and are checked against the
// reference implementation's vectors (testdata/walloc at the repository
// root; projection weights extracted by testdata/walloc/gen_weights.py).

func readNpy(t testing.TB, path string) *Tensor {
	t.Helper()
	a, err := npy.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	switch a.Dtype {
	case "f4":
		v, _ := a.Float32()
		x, err := F32Tensor(v, a.Shape...)
		if err != nil {
			t.Fatal(err)
		}
		return x
	case "i1":
		v, _ := a.Int8()
		x, _ := NewTensor(S8, a.Shape...)
		copy(x.S8(), v)
		return x
	}
	t.Fatalf("%s: dtype %s", path, a.Dtype)
	return nil
}

func wallocRef(name string) string { return filepath.Join("..", "testdata", "walloc", name) }

// wallocEncoder is the encoder graph: wpt → conv2d 1x1 → compand →
// round_s8, with the coefficients and projection as extra outputs.
func wallocEncoder(t testing.TB, c string) *File {
	return &File{
		Graph: &Graph{
			Inputs:  []ValueInfo{{Name: "x", DType: F32}},
			Outputs: []ValueInfo{{Name: "latent", DType: S8}, {Name: "wpt"}, {Name: "proj"}},
			Nodes: []Node{
				{Name: "wt", Op: "wpt", Inputs: []string{"x"}, Outputs: []string{"wpt"}, Attrs: attrs(t, map[string]any{"wavelet": "bior4.4", "levels": 3})},
				{Name: "enc", Op: "conv2d", Inputs: []string{"wpt", "enc.w", "enc.b"}, Outputs: []string{"proj"}},
				{Name: "cmp", Op: "compand", Inputs: []string{"proj"}, Outputs: []string{"u"}, Attrs: attrs(t, map[string]any{"bits": 8})},
				{Name: "q", Op: "round_s8", Inputs: []string{"u"}, Outputs: []string{"latent"}},
			},
		},
		Tensors: map[string]*Tensor{
			"enc.w": readNpy(t, filepath.Join("testdata", "walloc", c+"_enc_w.npy")),
			"enc.b": readNpy(t, filepath.Join("testdata", "walloc", c+"_enc_b.npy")),
		},
	}
}

// runTwice runs f at batch 2 on the reference frame x twice, and checks
// that a steady-state run allocates nothing.
func runTwice(t *testing.T, f *File, x *Tensor) (*Model, *Session) {
	t.Helper()
	m := openModel(t, f)
	s := newSession(t, m, WithBatch(2))
	copy(s.Input(0).data, x.data)
	copy(s.Input(0).data[len(x.data):], x.data)
	if err := s.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(5, func() { s.Run(context.Background()) }); n != 0 {
		t.Errorf("Run allocates %v times", n)
	}
	return m, s
}

func TestWaLLoCEncoder(t *testing.T) {
	for _, c := range []string{"linear4x", "rgb16x", "stereo"} {
		x := readNpy(t, wallocRef(c+"_x.npy"))
		f := wallocEncoder(t, c)
		f.Graph.Inputs[0].Shape = append(Dims{Batch}, x.shape[1:]...)
		if c == "stereo" {
			// Audio: a 1-D transform of 5 levels, and the reference's
			// projection pads one frame on each side.
			f.Graph.Nodes[0].Attrs = attrs(t, map[string]any{"wavelet": "bior4.4", "levels": 5})
			f.Graph.Nodes[1].Op, f.Graph.Nodes[1].Attrs = "conv1d", attrs(t, map[string]any{"padding": 1})
		}
		m, s := runTwice(t, f, x)
		// Companding writes the latents (codecFolds): its float output
		// gets no bytes, and the latents are those of the two nodes run
		// apart, which they are when that output is a graph output too.
		if s.vals[m.valueID["u"]].data != nil {
			t.Errorf("%s: round_s8 did not fold into compand", c)
		}
		f.Graph.Outputs = append(f.Graph.Outputs, ValueInfo{Name: "u"})
		apart := newSession(t, openModel(t, f), WithBatch(2))
		copy(apart.Input(0).data, s.Input(0).data)
		if err := apart.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(apart.Output(0).data, s.Output(0).data) {
			t.Errorf("%s: folded latents differ from compand then round_s8", c)
		}
		wantWPT, wantProj := readNpy(t, wallocRef(c+"_wpt.npy")), readNpy(t, wallocRef(c+"_proj.npy"))
		wantLat := readNpy(t, wallocRef(c+"_latent.npy"))
		for img := 0; img < 2; img++ {
			part := func(o *Tensor, n int) *Tensor {
				sz := len(o.data) / 2
				return &Tensor{dtype: o.dtype, shape: append([]int{1}, o.shape[1:]...), data: o.data[img*sz : (img+1)*sz]}
			}
			compareRef(t, c+"/wpt", part(s.Output(1), img), wantWPT, 1e-5)
			compareRef(t, c+"/proj", part(s.Output(2), img), wantProj, 1e-5)
			got, want := part(s.Output(0), img).S8(), wantLat.S8()
			off := 0
			for i := range want {
				if d := int(got[i]) - int(want[i]); d != 0 {
					off++
					if d < -1 || d > 1 {
						t.Fatalf("%s: latent[%d] = %d, want %d", c, i, got[i], want[i])
					}
				}
			}
			// Values within float32 rounding of a .5 boundary may differ by
			// one; the reference notes expect none or a handful.
			t.Logf("%s: %d of %d latents differ by one", c, off, len(want))
			if off > len(want)/1000+2 {
				t.Errorf("%s: %d of %d latents differ by one", c, off, len(want))
			}
		}
	}
}

// The linear codec's decoder: decompand → conv2d 1x1 → iwpt → clip.
func TestWaLLoCLinearDecoder(t *testing.T) {
	lat := readNpy(t, wallocRef("linear4x_latent.npy"))
	f := &File{
		Graph: &Graph{
			Inputs:  []ValueInfo{{Name: "latent", DType: S8, Shape: Dims{Batch, lat.shape[1], lat.shape[2], lat.shape[3]}}},
			Outputs: []ValueInfo{{Name: "recon"}},
			Nodes: []Node{
				{Name: "dq", Op: "decompand", Inputs: []string{"latent"}, Outputs: []string{"z"}, Attrs: attrs(t, map[string]any{"bits": 8})},
				{Name: "dec", Op: "conv2d", Inputs: []string{"z", "dec.w", "dec.b"}, Outputs: []string{"coef"}},
				{Name: "iwt", Op: "iwpt", Inputs: []string{"coef"}, Outputs: []string{"y"}, Attrs: attrs(t, map[string]any{"wavelet": "bior4.4", "levels": 3})},
				{Name: "clamp", Op: "clip", Inputs: []string{"y"}, Outputs: []string{"recon"}, Attrs: attrs(t, map[string]any{"min": -0.5, "max": 0.5})},
			},
		},
		Tensors: map[string]*Tensor{
			"dec.w": readNpy(t, filepath.Join("testdata", "walloc", "linear4x_dec_w.npy")),
			"dec.b": readNpy(t, filepath.Join("testdata", "walloc", "linear4x_dec_b.npy")),
		},
	}
	s := newSession(t, openModel(t, f))
	copy(s.Input(0).data, lat.data)
	if err := s.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(5, func() { s.Run(context.Background()) }); n != 0 {
		t.Errorf("decoder Run allocates %v times", n)
	}
	compareRef(t, "linear4x/recon", s.Output(0), readNpy(t, wallocRef("linear4x_recon.npy")), 1e-4)
}

// BenchmarkWaLLoCEncoder runs the RGB 16x encoder on its 96x128 frame.
func BenchmarkWaLLoCEncoder(b *testing.B) {
	x := readNpy(b, wallocRef("rgb16x_x.npy"))
	f := wallocEncoder(b, "rgb16x")
	f.Graph.Inputs[0].Shape = append(Dims{Batch}, x.shape[1:]...)
	m := openModel(b, f)
	s := newSession(b, m)
	copy(s.Input(0).data, x.data)
	b.SetBytes(int64(len(x.data)))
	for b.Loop() {
		s.Run(context.Background())
	}
	b.ReportMetric(float64(s.ArenaBytes())/1e3, "arena-kB")
}

// TestWaLLoCEncoderProjectFold runs the 2D encoders with only the
// projection and the latents as outputs: rgb16x's projection onto 12
// channels folds into the packet transform (codecFolds), whose
// coefficients then get no bytes; linear4x's onto 48 runs as a product and
// does not, nor does either on a CPU without a vector Pointwise. Both
// outputs match the reference's either way.
func TestWaLLoCEncoderProjectFold(t *testing.T) {
	for c, fold := range map[string]bool{"linear4x": false, "rgb16x": true} {
		x := readNpy(t, wallocRef(c+"_x.npy"))
		f := wallocEncoder(t, c)
		f.Graph.Inputs[0].Shape = append(Dims{Batch}, x.shape[1:]...)
		f.Graph.Outputs = []ValueInfo{{Name: "latent", DType: S8}, {Name: "proj"}}
		m, s := runTwice(t, f, x)
		fold = fold && simd.PointwiseVectorised() // else the product runs it
		if folded := s.vals[m.valueID["wpt"]].data == nil; folded != fold {
			t.Errorf("%s: projection folded into the transform: %v, want %v", c, folded, fold)
		}
		// A profile names the node that does a folded node's work.
		var prof Profile
		newSession(t, m, WithBatch(2), WithProfile(&prof))
		want := map[string]string{"wt": "", "enc": "", "cmp": "", "q": "cmp"}
		if fold {
			want["enc"] = "wt"
		}
		for _, n := range prof.Nodes {
			if n.FoldedInto != want[n.Name] {
				t.Errorf("%s: node %s folded into %q, want %q", c, n.Name, n.FoldedInto, want[n.Name])
			}
		}
		wantProj, wantLat := readNpy(t, wallocRef(c+"_proj.npy")), readNpy(t, wallocRef(c+"_latent.npy"))
		for img := 0; img < 2; img++ {
			part := func(o *Tensor) *Tensor {
				sz := len(o.data) / 2
				return &Tensor{dtype: o.dtype, shape: append([]int{1}, o.shape[1:]...), data: o.data[img*sz : (img+1)*sz]}
			}
			compareRef(t, c+"/proj", part(s.Output(1)), wantProj, 1e-5)
			got, want := part(s.Output(0)).S8(), wantLat.S8()
			off := 0
			for i := range want {
				if d := int(got[i]) - int(want[i]); d != 0 {
					if off++; d < -1 || d > 1 {
						t.Fatalf("%s: latent[%d] = %d, want %d", c, i, got[i], want[i])
					}
				}
			}
			if off > len(want)/1000+2 {
				t.Errorf("%s: %d of %d latents differ by one", c, off, len(want))
			}
		}
	}
}

// wptFits accepts tensors of the planned lengths and refuses shorter ones.
func TestWPTFits(t *testing.T) {
	x, y, sc := make([]float32, 16), make([]float32, 16), make([]float32, 4)
	if err := wptFits(x, y, sc, 16, 16, 4); err != nil {
		t.Errorf("planned lengths: %v", err)
	}
	for _, n := range [][3]int{{17, 16, 4}, {16, 17, 4}, {16, 16, 5}} {
		if err := wptFits(x, y, sc, n[0], n[1], n[2]); err == nil {
			t.Errorf("needs %v: no error", n)
		}
	}
}
