package kern

import (
	"math"
	"math/rand/v2"
	"testing"
)

// Conv2DPacked must compute what Conv2D computes, for every convolution it
// accepts: strides, dilation, asymmetric padding, groups, batch.
func TestConv2DPackedMatchesConv2D(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	cases := []Conv2DParams{
		{N: 1, C: 64, H: 4, W: 4, OutC: 64, KH: 3, KW: 3, StrideH: 1, StrideW: 1, PadTop: 1, PadBottom: 1, PadLeft: 1, PadRight: 1, DilationH: 1, DilationW: 1, Groups: 1},
		{N: 2, C: 6, H: 9, W: 7, OutC: 8, KH: 3, KW: 2, StrideH: 2, StrideW: 1, PadTop: 1, PadBottom: 0, PadLeft: 2, PadRight: 1, DilationH: 2, DilationW: 1, Groups: 2},
		{N: 1, C: 2, H: 8, W: 8, OutC: 16, KH: 3, KW: 3, StrideH: 1, StrideW: 1, PadTop: 1, PadBottom: 1, PadLeft: 1, PadRight: 1, DilationH: 1, DilationW: 1, Groups: 1},
		{N: 3, C: 5, H: 11, W: 13, OutC: 7, KH: 5, KW: 5, StrideH: 3, StrideW: 2, PadTop: 2, PadBottom: 2, PadLeft: 0, PadRight: 3, DilationH: 1, DilationW: 2, Groups: 1},
	}
	for _, p := range cases {
		if err := p.Validate(); err != nil {
			t.Fatal(err)
		}
		if !p.Packable() {
			t.Fatalf("%+v is an im2col convolution but not packable", p)
		}
		x, w, b := randSlice(rng, p.InputLen()), randSlice(rng, p.WeightLen()), randSlice(rng, p.OutC)
		want, got := make([]float32, p.OutputLen()), make([]float32, p.OutputLen()+1)
		got[len(got)-1] = 42
		scratch := make([]float32, Conv2DScratch(&p))
		Conv2D(&p, want, x, w, b, scratch)
		pc := PackConv2D(&p, w)
		Conv2DPacked(&p, got[:len(want)], x, pc, b, scratch)
		if got[len(got)-1] != 42 {
			t.Fatal("wrote past the output")
		}
		for i := range want {
			if d := math.Abs(float64(want[i] - got[i])); d > 1e-5*math.Max(1, math.Abs(float64(want[i]))) {
				t.Fatalf("%+v: [%d] = %v, want %v", p, i, got[i], want[i])
			}
		}
		if n := testing.AllocsPerRun(5, func() { Conv2DPacked(&p, got[:len(want)], x, pc, b, scratch) }); n != 0 {
			t.Errorf("%+v: %v allocations per call", p, n)
		}
	}
}
