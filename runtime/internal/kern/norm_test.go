package kern

import "testing"

// Normalisation tolerance: statistics in float64, so the error is PyTorch's
// float32 rounding, amplified by 1/σ.
const tolNorm = 2e-6

func TestBatchNormTorch(t *testing.T) {
	for _, c := range casesOf(t, "batchnorm") {
		var p BatchNormParams
		c.params(t, &p)
		if err := p.Validate(); err != nil {
			t.Fatal(err)
		}
		x, want := c.f32(t, "x"), c.f32(t, "y")
		m, v, g, b := c.f32(t, "mean"), c.f32(t, "var"), c.f32(t, "gamma"), c.f32(t, "beta")
		dst, check := guarded(t, len(x))
		BatchNorm(&p, dst, x, m, v, g, b)
		check()
		t.Logf("%s: max rel error %.2g", c.Name, closeTo(t, c.Name, dst, want, tolNorm))
		noAllocs(t, c.Name, func() { BatchNorm(&p, dst, x, m, v, g, b) })
	}
}

func TestFoldBatchNormTorch(t *testing.T) {
	for _, c := range casesOf(t, "fold") {
		var p Conv2DParams
		c.params(t, &p)
		if err := p.Validate(); err != nil {
			t.Fatal(err)
		}
		x, w, b, want := c.f32(t, "x"), c.f32(t, "w"), c.f32(t, "b"), c.f32(t, "y")
		if err := FoldBatchNorm(w, b, p.OutC, c.f32(t, "mean"), c.f32(t, "var"), c.f32(t, "gamma"), c.f32(t, "beta"), 1e-3); err != nil {
			t.Fatal(err)
		}
		dst := make([]float32, p.OutputLen())
		Conv2D(&p, dst, x, w, b, make([]float32, Conv2DScratch(&p)))
		t.Logf("%s: max rel error %.2g", c.Name, closeTo(t, c.Name, dst, want, tolConv))
	}
	if FoldBatchNorm(make([]float32, 6), make([]float32, 2), 2, []float32{0, 0}, []float32{-1, 1}, []float32{1, 1}, []float32{0, 0}, 0) == nil {
		t.Error("negative variance accepted")
	}
	if FoldBatchNorm(make([]float32, 6), make([]float32, 3), 2, nil, nil, nil, nil, 0) == nil {
		t.Error("bad lengths accepted")
	}
}

func TestGroupNormTorch(t *testing.T) {
	for _, c := range casesOf(t, "groupnorm") {
		var p GroupNormParams
		c.params(t, &p)
		if err := p.Validate(); err != nil {
			t.Fatal(err)
		}
		x, g, b, want := c.f32(t, "x"), c.f32(t, "gamma"), c.f32(t, "beta"), c.f32(t, "y")
		dst, check := guarded(t, len(x))
		GroupNorm(&p, dst, x, g, b)
		check()
		t.Logf("%s: max rel error %.2g", c.Name, closeTo(t, c.Name, dst, want, tolNorm))
		noAllocs(t, c.Name, func() { GroupNorm(&p, dst, x, g, b) })
	}
}

func TestLayerNormTorch(t *testing.T) {
	for _, c := range casesOf(t, "layernorm") {
		var p LayerNormParams
		c.params(t, &p)
		if err := p.Validate(); err != nil {
			t.Fatal(err)
		}
		x, g, b, want := c.f32(t, "x"), c.f32(t, "gamma"), c.f32(t, "beta"), c.f32(t, "y")
		dst, check := guarded(t, len(x))
		LayerNorm(&p, dst, x, g, b)
		check()
		t.Logf("%s: max rel error %.2g", c.Name, closeTo(t, c.Name, dst, want, tolNorm))
		noAllocs(t, c.Name, func() { LayerNorm(&p, dst, x, g, b) })
	}
}

// Attention tolerance: three chained GEMMs and a softmax in float32.
const tolAttention = 1e-5

func TestAttentionTorch(t *testing.T) {
	for _, c := range casesOf(t, "attention") {
		var p AttentionParams
		c.params(t, &p)
		if err := p.Validate(); err != nil {
			t.Fatal(err)
		}
		w := AttentionWeights{NormGamma: c.f32(t, "gamma"), NormBeta: c.f32(t, "beta"),
			Wq: c.f32(t, "wq"), Bq: c.f32(t, "bq"), Wk: c.f32(t, "wk"), Bk: c.f32(t, "bk"),
			Wv: c.f32(t, "wv"), Bv: c.f32(t, "bv"), Wo: c.f32(t, "wo"), Bo: c.f32(t, "bo")}
		if err := w.Check(&p); err != nil {
			t.Fatal(err)
		}
		x, want := c.f32(t, "x"), c.f32(t, "y")
		dst, check := guarded(t, len(x))
		scratch := make([]float32, AttentionScratch(&p))
		Attention(&p, dst, x, &w, scratch)
		check()
		t.Logf("%s: max rel error %.2g", c.Name, closeTo(t, c.Name, dst, want, tolAttention))
		in := append([]float32(nil), x...)
		Attention(&p, in, in, &w, scratch)
		closeTo(t, c.Name+" in place", in, want, tolAttention)
		noAllocs(t, c.Name, func() { Attention(&p, dst, x, &w, scratch) })
	}
}

// gamma and beta are optional each on their own: gamma alone equals
// beta = 0, beta alone equals gamma = 1.
func TestNormOptionalAffine(t *testing.T) {
	x := []float32{0.5, -1, 2, 3, -0.25, 1, 4, -2, 0, 1.5, 2.5, -3}
	gamma := []float32{1.5, -0.5, 2}
	beta := []float32{0.25, -1, 0.5}
	ones, zeros := []float32{1, 1, 1}, []float32{0, 0, 0}
	same := func(name string, got, want []float32) {
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("%s: element %d is %v, want %v", name, i, got[i], want[i])
			}
		}
	}
	ln := LayerNormParams{Outer: 4, Inner: 3, Eps: 1e-5}
	gn := GroupNormParams{N: 2, C: 3, Spatial: 2, Groups: 1, Eps: 1e-5}
	for _, tc := range []struct {
		name         string
		g, b, wg, wb []float32
	}{{"gamma only", gamma, nil, gamma, zeros}, {"beta only", nil, beta, ones, beta}} {
		got, want := make([]float32, len(x)), make([]float32, len(x))
		LayerNorm(&ln, got, x, tc.g, tc.b)
		LayerNorm(&ln, want, x, tc.wg, tc.wb)
		same("layer norm, "+tc.name, got, want)
		GroupNorm(&gn, got, x, tc.g, tc.b)
		GroupNorm(&gn, want, x, tc.wg, tc.wb)
		same("group norm, "+tc.name, got, want)
	}
}
