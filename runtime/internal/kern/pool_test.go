package kern

import (
	"math"
	"math/rand/v2"
	"testing"
)

// Pooling: max is exact; averages are float32 sums of at most 9 values.
const tolPool = 1e-6

func TestPoolTorch(t *testing.T) {
	for _, c := range casesOf(t, "maxpool", "avgpool") {
		var p Pool2DParams
		c.params(t, &p)
		if err := p.Validate(); err != nil {
			t.Fatal(err)
		}
		x, want := c.f32(t, "x"), c.f32(t, "y")
		dst, check := guarded(t, p.N*p.C*p.OutH()*p.OutW())
		f, tol := MaxPool2D, 0.0
		if c.Op == "avgpool" {
			f, tol = AvgPool2D, tolPool
		}
		f(&p, dst, x)
		check()
		t.Logf("%s: max rel error %.2g", c.Name, closeTo(t, c.Name, dst, want, tol))
		noAllocs(t, c.Name, func() { f(&p, dst, x) })
	}
	for _, c := range casesOf(t, "globalavgpool") {
		var p struct{ Rows, Spatial int }
		c.params(t, &p)
		x, want := c.f32(t, "x"), c.f32(t, "y")
		dst, check := guarded(t, p.Rows)
		GlobalAvgPool(dst, x, p.Rows, p.Spatial)
		check()
		closeTo(t, c.Name, dst, want, tolPool)
		noAllocs(t, c.Name, func() { GlobalAvgPool(dst, x, p.Rows, p.Spatial) })
	}
	bad := Pool2DParams{N: 1, C: 1, H: 4, W: 4, KH: 2, KW: 2, StrideH: 1, StrideW: 1, PadTop: 2}
	if bad.Validate() == nil {
		t.Error("padding above half the window accepted")
	}
}

func TestUpsampleTorch(t *testing.T) {
	for _, c := range casesOf(t, "upsample") {
		var p UpsampleParams
		c.params(t, &p)
		if err := p.Validate(); err != nil {
			t.Fatal(err)
		}
		x, want := c.f32(t, "x"), c.f32(t, "y")
		dst, check := guarded(t, len(want))
		UpsampleNearest(&p, dst, x)
		check()
		closeTo(t, c.Name, dst, want, 0)
		noAllocs(t, c.Name, func() { UpsampleNearest(&p, dst, x) })
	}
}

// A NaN anywhere in a window is the window's maximum (as in PyTorch), on
// the 2×2/2 fast path and on the general one.
func TestMaxPoolNaN(t *testing.T) {
	nan := float32(math.NaN())
	x := []float32{
		1, 2, 3, nan,
		5, 6, 7, 8,
		nan, 0, -1, -2,
		-3, -4, -5, -6,
	}
	for _, p := range []Pool2DParams{
		{N: 1, C: 1, H: 4, W: 4, KH: 2, KW: 2, StrideH: 2, StrideW: 2},
		{N: 1, C: 1, H: 4, W: 4, KH: 2, KW: 2, StrideH: 2, StrideW: 2, PadTop: 1, PadBottom: 1, PadLeft: 1, PadRight: 1},
	} {
		dst := make([]float32, p.N*p.C*p.OutH()*p.OutW())
		MaxPool2D(&p, dst, x)
		if p.PadTop == 0 {
			if dst[0] != 6 || !math.IsNaN(float64(dst[1])) || !math.IsNaN(float64(dst[2])) || dst[3] != -1 {
				t.Fatalf("2x2/2: %v", dst)
			}
			continue
		}
		// Windows of the padded grid: rows {pad,0},{1,2},{3,pad}.
		want := []float32{1, 3, nan, nan, 7, 8, -3, -4, -6}
		for i := range want {
			if math.IsNaN(float64(want[i])) != math.IsNaN(float64(dst[i])) || (!math.IsNaN(float64(want[i])) && want[i] != dst[i]) {
				t.Fatalf("padded: %v, want %v", dst, want)
			}
		}
	}
}

// Max pooling against its definition over random windows, strides,
// paddings and dilation-free shapes, including clipped borders on every
// side, the unrolled three-wide windows, the 2×2/2 and 3×3/2 kernels
// (forced in the last iterations, at widths past their blocks), and the
// ReLU folded in.
func TestMaxPoolRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	for it := 0; it < 480; it++ {
		w := 1 + rng.IntN(12)
		if it >= 300 {
			w = maxPoolRowBuf + 1 + rng.IntN(40) // rows too wide for the buffer
		}
		p := Pool2DParams{N: 1 + rng.IntN(2), C: 1 + rng.IntN(3), H: 1 + rng.IntN(12), W: w,
			KH: 1 + rng.IntN(4), KW: 1 + rng.IntN(4), StrideH: 1 + rng.IntN(3), StrideW: 1 + rng.IntN(3)}
		p.PadTop, p.PadBottom = rng.IntN(p.KH/2+1), rng.IntN(p.KH/2+1)
		p.PadLeft, p.PadRight = rng.IntN(p.KW/2+1), rng.IntN(p.KW/2+1)
		if it >= 320 && it < 400 {
			p.H, p.W = 2+rng.IntN(30), 2+rng.IntN(40)
			p.KH, p.KW, p.StrideH, p.StrideW = 2, 2, 2, 2
			p.PadTop, p.PadBottom, p.PadLeft, p.PadRight = 0, 0, 0, 0
		}
		if it >= 400 {
			p.H, p.W = 1+rng.IntN(20), 1+rng.IntN(70)
			p.KH, p.KW, p.StrideH, p.StrideW = 3, 3, 2, 2
			p.PadTop, p.PadBottom, p.PadLeft, p.PadRight = rng.IntN(2), rng.IntN(2), rng.IntN(2), rng.IntN(2)
		}
		p.Relu = rng.IntN(2) == 0
		if p.Validate() != nil {
			continue
		}
		x := randSlice(rng, p.N*p.C*p.H*p.W)
		oh, ow := p.OutH(), p.OutW()
		got := make([]float32, p.N*p.C*oh*ow)
		MaxPool2D(&p, got, x)
		for nc := 0; nc < p.N*p.C; nc++ {
			for y := 0; y < oh; y++ {
				for xo := 0; xo < ow; xo++ {
					m := float32(math.Inf(-1))
					for i := 0; i < p.KH; i++ {
						for j := 0; j < p.KW; j++ {
							ih, iw := y*p.StrideH+i-p.PadTop, xo*p.StrideW+j-p.PadLeft
							if ih >= 0 && ih < p.H && iw >= 0 && iw < p.W {
								m = max(m, x[(nc*p.H+ih)*p.W+iw])
							}
						}
					}
					if p.Relu {
						m = max(m, 0)
					}
					if g := got[(nc*oh+y)*ow+xo]; g != m {
						t.Fatalf("%+v: [%d][%d][%d] = %v, want %v", p, nc, y, xo, g, m)
					}
				}
			}
		}
	}
}
