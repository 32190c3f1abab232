package kern

import "testing"

// Convolution tolerance: float32 sums of up to a few hundred products in an
// order other than PyTorch's.
const tolConv = 1e-5

func TestConv2DTorch(t *testing.T) {
	for _, c := range casesOf(t, "conv2d") {
		var p Conv2DParams
		c.params(t, &p)
		if err := p.Validate(); err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		x, w, b, want := c.f32(t, "x"), c.f32(t, "w"), c.f32(t, "b"), c.f32(t, "y")
		if len(x) != p.InputLen() || len(w) != p.WeightLen() || len(want) != p.OutputLen() {
			t.Fatalf("%s: tensor sizes disagree with params", c.Name)
		}
		dst, check := guarded(t, p.OutputLen())
		scratch := make([]float32, Conv2DScratch(&p))
		Conv2D(&p, dst, x, w, b, scratch)
		check()
		e := closeTo(t, c.Name, dst, want, tolConv)
		t.Logf("%s: max rel error %.2g", c.Name, e)
		noAllocs(t, c.Name, func() { Conv2D(&p, dst, x, w, b, scratch) })
	}
}

func TestConv1DTorch(t *testing.T) {
	for _, c := range casesOf(t, "conv1d") {
		var p Conv1DParams
		c.params(t, &p)
		if err := p.Validate(); err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		x, w, b, want := c.f32(t, "x"), c.f32(t, "w"), c.f32(t, "b"), c.f32(t, "y")
		dst, check := guarded(t, p.N*p.OutC*p.OutL())
		scratch := make([]float32, Conv1DScratch(&p))
		Conv1D(&p, dst, x, w, b, scratch)
		check()
		e := closeTo(t, c.Name, dst, want, tolConv)
		t.Logf("%s: max rel error %.2g", c.Name, e)
		noAllocs(t, c.Name, func() { Conv1D(&p, dst, x, w, b, scratch) })
	}
}

func TestConv2DValidate(t *testing.T) {
	ok := Conv2DParams{N: 1, C: 4, H: 5, W: 5, OutC: 4, KH: 3, KW: 3, StrideH: 1, StrideW: 1, DilationH: 1, DilationW: 1, Groups: 2}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	bad := []func(p *Conv2DParams){
		func(p *Conv2DParams) { p.Groups = 3 },
		func(p *Conv2DParams) { p.Groups = 0 },
		func(p *Conv2DParams) { p.StrideH = 0 },
		func(p *Conv2DParams) { p.DilationW = 0 },
		func(p *Conv2DParams) { p.KH = 7 },
		func(p *Conv2DParams) { p.PadLeft = -1 },
		func(p *Conv2DParams) { p.C = 0 },
		func(p *Conv2DParams) { p.H, p.W, p.C, p.N = 1<<20, 1<<20, 1<<10, 1<<10 },
		func(p *Conv2DParams) { p.KW, p.PadLeft, p.PadRight = 1<<30, 1<<30, 1<<30 },
	}
	for i, f := range bad {
		p := ok
		f(&p)
		if p.Validate() == nil {
			t.Errorf("case %d: %+v accepted", i, p)
		}
	}
}
