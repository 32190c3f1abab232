package kern

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/edgerun/edgerun/simd"
)

// convRef64 is the convolution's definition summed in float64, with the sum
// of magnitudes of each output for the error bound.
func convRef64(p *Conv2DParams, x, w, bias []float32) (out, mag []float64) {
	oh, ow := p.OutH(), p.OutW()
	cpg, opg := p.C/p.Groups, p.OutC/p.Groups
	out, mag = make([]float64, p.OutputLen()), make([]float64, p.OutputLen())
	for n := 0; n < p.N; n++ {
		for o := 0; o < p.OutC; o++ {
			g := o / opg
			for y := 0; y < oh; y++ {
				for xx := 0; xx < ow; xx++ {
					var s, m float64
					if bias != nil {
						s, m = float64(bias[o]), math.Abs(float64(bias[o]))
					}
					for c := 0; c < cpg; c++ {
						for i := 0; i < p.KH; i++ {
							for j := 0; j < p.KW; j++ {
								ih := y*p.StrideH + i*p.DilationH - p.PadTop
								iw := xx*p.StrideW + j*p.DilationW - p.PadLeft
								if ih < 0 || ih >= p.H || iw < 0 || iw >= p.W {
									continue
								}
								v := float64(w[((o*cpg+c)*p.KH+i)*p.KW+j]) * float64(x[((n*p.C+g*cpg+c)*p.H+ih)*p.W+iw])
								s += v
								m += math.Abs(v)
							}
						}
					}
					k := ((n*p.OutC+o)*oh+y)*ow + xx
					out[k], mag[k] = s, m
				}
			}
		}
	}
	return out, mag
}

func sq(n, c, h, w, oc, k, s, pad, d, g int) Conv2DParams {
	return Conv2DParams{N: n, C: c, H: h, W: w, OutC: oc, KH: k, KW: k, StrideH: s, StrideW: s,
		PadTop: pad, PadBottom: pad, PadLeft: pad, PadRight: pad, DilationH: d, DilationW: d, Groups: g}
}

// ConvGemm must compute the convolution's definition for every shape it
// takes: the offset-table path (small maps), the row-run path (large
// maps), pointwise, strides, dilation, asymmetric padding, groups, bias or
// none, and batches whose images share a microkernel panel; any split of
// the columns among goroutines gives the same bits; runs allocate nothing.
func TestConvGemm(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	cases := []Conv2DParams{
		sq(1, 64, 4, 4, 64, 3, 1, 1, 1, 1),
		sq(16, 64, 4, 4, 64, 3, 1, 1, 1, 1),
		sq(3, 8, 2, 2, 10, 3, 1, 1, 1, 1),
		sq(1, 1, 28, 28, 16, 3, 1, 1, 1, 1),
		sq(2, 16, 14, 14, 32, 3, 1, 1, 1, 1),
		sq(5, 32, 7, 7, 64, 3, 1, 1, 1, 1),
		sq(2, 3, 33, 31, 13, 7, 2, 3, 1, 1),
		sq(3, 16, 9, 9, 24, 1, 1, 0, 1, 1),
		sq(2, 16, 17, 9, 24, 1, 2, 0, 1, 1),
		sq(2, 12, 10, 10, 6, 3, 1, 2, 2, 3),
		sq(1, 32, 40, 40, 8, 3, 2, 1, 1, 2),
		{N: 2, C: 6, H: 9, W: 7, OutC: 8, KH: 3, KW: 2, StrideH: 2, StrideW: 1, PadTop: 1, PadBottom: 0, PadLeft: 2, PadRight: 1, DilationH: 2, DilationW: 1, Groups: 2},
		{N: 3, C: 5, H: 11, W: 37, OutC: 7, KH: 5, KW: 5, StrideH: 3, StrideW: 2, PadTop: 2, PadBottom: 2, PadLeft: 0, PadRight: 3, DilationH: 1, DilationW: 2, Groups: 1},
		{N: 2, C: 4, H: 1, W: 300, OutC: 9, KH: 1, KW: 5, StrideH: 1, StrideW: 1, PadLeft: 2, PadRight: 2, DilationH: 1, DilationW: 1, Groups: 1},
		// Winograd: odd maps, several chunks whose rows of tiles cross
		// images, asymmetric padding and none.
		sq(3, 128, 13, 11, 128, 3, 1, 1, 1, 1),
		{N: 2, C: 8, H: 9, W: 10, OutC: 9, KH: 3, KW: 3, StrideH: 1, StrideW: 1, PadBottom: 2, PadLeft: 1, DilationH: 1, DilationW: 1, Groups: 1},
		sq(4, 8, 9, 7, 8, 3, 1, 0, 1, 1),
		// Two rows of tiles at a time, with an odd number of them.
		{N: 3, C: 8, H: 5, W: 8, OutC: 8, KH: 3, KW: 3, StrideH: 1, StrideW: 1, PadTop: 1, PadBottom: 1, PadLeft: 1, PadRight: 1, DilationH: 1, DilationW: 1, Groups: 1},
		// Two rows of 4×4 tiles at a time: odd sides, an odd number of
		// rows of tiles.
		sq(2, 8, 13, 15, 8, 3, 1, 1, 1, 1),
		sq(3, 8, 9, 16, 8, 3, 1, 1, 1, 1),
	}
	// Every 3×3 stride-1 case runs both paths, whichever the shape would
	// take (the Winograd one with the transforms' Go twins where they are
	// not vectorised).
	defer func() { winoForce, winoForce4 = 0, 0 }()
	winoForce = 1
	for _, i := range []int{0, 1, 2, 4, 5, 14, 15, 16, 17, 18, 19} {
		if !cases[i].gemmWinograd() {
			t.Errorf("case %d (%+v) cannot take the Winograd path", i, cases[i])
		}
	}
	if p := cases[14]; winoGeometry(&p).chunk >= p.N*42 {
		t.Error("case 14 is one chunk")
	}
	for ci, p := range cases {
		for _, withBias := range []bool{true, false} {
			// -1: the single product; 2 and 4: Winograd with 2×2 and 4×4
			// tiles.
			for _, force := range []int{-1, 2, 4} {
				winoForce, winoForce4 = min(force, 1), map[int]int{-1: 0, 2: -1, 4: 1}[force]
				if force > 0 && !p.gemmWinograd() {
					continue
				}
				t.Run(fmt.Sprintf("%d/bias=%v/winograd=%d", ci, withBias, max(force, 0)), func(t *testing.T) {
					if err := p.Validate(); err != nil {
						t.Fatal(err)
					}
					x, w := randSlice(rng, p.InputLen()), randSlice(rng, p.WeightLen())
					var b []float32
					if withBias {
						b = randSlice(rng, p.OutC)
					}
					want, mag := convRef64(&p, x, w, b)
					if !p.GemmPath() {
						t.Fatal("not taken by ConvGemm")
					}
					cg := NewConvGemm(&p, w, b)
					got := make([]float32, p.OutputLen()+1)
					for i := range got {
						got[i] = float32(math.NaN())
					}
					got[len(got)-1] = 42
					run := newConvGemmRun(cg, x, 1)
					run.all(got[:len(want)])
					if got[len(got)-1] != 42 {
						t.Fatal("wrote past the output")
					}
					// The bound of a dot product of k terms. The Winograd path's
					// transforms add a few roundings of sums of the magnitudes;
					// its worst errors here are one or two units of them with
					// 2×2 tiles. The 4×4 tiles' transforms scale values by up
					// to a hundred and back, whose roundings cost up to 30
					// units here with many channels and 86 with one: the
					// bound allows 128 more.
					k, extra := p.C/p.Groups*p.KH*p.KW, 5
					if cg.wino != nil && cg.wino.r == 4 {
						extra = 128
					}
					for i := range want {
						if d := math.Abs(want[i] - float64(got[i])); !(d <= float64(k+extra)*0x1p-23*mag[i]+1e-30) {
							t.Fatalf("winograd %v: [%d] = %v, want %v", cg.Winograd(), i, got[i], want[i])
						}
					}
					// Uneven ranges of columns (or of chunks of tiles) on
					// goroutines, each with its own state: the same bits.
					split := make([]float32, len(want))
					newConvGemmRun(cg, x, 4).split(split, 23)
					for i := range want {
						if split[i] != got[i] {
							t.Fatalf("split run: [%d] = %v, one run %v", i, split[i], got[i])
						}
					}
					if n := testing.AllocsPerRun(5, func() { run.all(got[:len(want)]) }); n != 0 {
						t.Errorf("%v allocations per run", n)
					}
				})
			}
		}
	}
}

// BenchmarkConvShapes times the convolutions of the shipped models and of
// a ResNet-like CNN through both paths: the GEMM path of weights that are
// not constant (Conv2D: im2col tiles or Winograd, weights packed by every
// call) and ConvGemm.
func BenchmarkConvShapes(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, s := range []struct {
		name string
		p    Conv2DParams
	}{
		{"latent/8x4x4-64", sq(1, 8, 4, 4, 64, 3, 1, 1, 1, 1)},
		{"latent/64x4x4-64", sq(1, 64, 4, 4, 64, 3, 1, 1, 1, 1)},
		{"latent/b16/64x4x4-64", sq(16, 64, 4, 4, 64, 3, 1, 1, 1, 1)},
		{"pixel/1x28x28-16", sq(1, 1, 28, 28, 16, 3, 1, 1, 1, 1)},
		{"pixel/16x14x14-32", sq(1, 16, 14, 14, 32, 3, 1, 1, 1, 1)},
		{"pixel/32x7x7-64", sq(1, 32, 7, 7, 64, 3, 1, 1, 1, 1)},
		{"pixel/b16/1x28x28-16", sq(16, 1, 28, 28, 16, 3, 1, 1, 1, 1)},
		{"pixel/b16/16x14x14-32", sq(16, 16, 14, 14, 32, 3, 1, 1, 1, 1)},
		{"pixel/b16/32x7x7-64", sq(16, 32, 7, 7, 64, 3, 1, 1, 1, 1)},
		{"resnet/3x128x128-32s2k7", sq(1, 3, 128, 128, 32, 7, 2, 3, 1, 1)},
		{"resnet/32x32x32-32", sq(1, 32, 32, 32, 32, 3, 1, 1, 1, 1)},
		{"resnet/64x16x16-64", sq(1, 64, 16, 16, 64, 3, 1, 1, 1, 1)},
		{"resnet/128x8x8-128", sq(1, 128, 8, 8, 128, 3, 1, 1, 1, 1)},
		{"resnet/256x4x4-256", sq(1, 256, 4, 4, 256, 3, 1, 1, 1, 1)},
		{"resnet/64x16x16-128s2", sq(1, 64, 16, 16, 128, 3, 2, 1, 1, 1)},
		{"resnet/64x16x16-128pw", sq(1, 64, 16, 16, 128, 1, 1, 0, 1, 1)},
		{"resnet/b16/32x32x32-64s2pw", sq(16, 32, 32, 32, 64, 1, 2, 0, 1, 1)},
		{"resnet/b16/32x32x32-32", sq(16, 32, 32, 32, 32, 3, 1, 1, 1, 1)},
		{"resnet/b16/64x16x16-64", sq(16, 64, 16, 16, 64, 3, 1, 1, 1, 1)},
		{"resnet/b16/128x8x8-128", sq(16, 128, 8, 8, 128, 3, 1, 1, 1, 1)},
		{"resnet/b16/256x4x4-256", sq(16, 256, 4, 4, 256, 3, 1, 1, 1, 1)},
	} {
		p := s.p
		x, w, bias := randSlice(r, p.InputLen()), randSlice(r, p.WeightLen()), randSlice(r, p.OutC)
		dst := make([]float32, p.OutputLen())
		flops := 2 * float64(p.OutputLen()) * float64(p.C/p.Groups*p.KH*p.KW)
		b.Run(s.name+"/conv2d", func(b *testing.B) {
			scratch := make([]float32, Conv2DScratch(&p))
			clk := startCPU(b)
			for range b.N {
				Conv2D(&p, dst, x, w, bias, scratch)
			}
			clk.report(b, flops)
		})
		b.Run(s.name+"/gemm", func(b *testing.B) {
			run := newConvGemmRun(NewConvGemm(&p, w, bias), x, 1)
			clk := startCPU(b)
			for range b.N {
				run.all(dst)
			}
			clk.report(b, flops)
		})
		if p.gemmWinograd() {
			b.Run(s.name+"/gemm-single", func(b *testing.B) {
				winoForce = -1
				run := newConvGemmRun(NewConvGemm(&p, w, bias), x, 1)
				winoForce = 0
				clk := startCPU(b)
				for range b.N {
					run.all(dst)
				}
				clk.report(b, flops)
			})
		}
	}
}

// The direct path of one-channel convolutions gives the product's bits:
// 3×3 and 5×5 windows, dilation, no padding, widths that are and are not
// multiples of eight, batches, with and without a bias, images split.
func TestConvDirect(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for _, p := range []Conv2DParams{
		sq(1, 1, 28, 28, 16, 3, 1, 1, 1, 1),
		sq(3, 1, 13, 13, 8, 3, 1, 1, 1, 1),
		sq(2, 1, 20, 17, 24, 5, 1, 2, 1, 1),
		sq(1, 1, 16, 21, 8, 3, 1, 0, 2, 1),
		sq(2, 1, 9, 10, 16, 3, 1, 0, 1, 1),
	} {
		for _, withBias := range []bool{true, false} {
			x, w := randSlice(rng, p.InputLen()), randSlice(rng, p.WeightLen())
			var bias []float32
			if withBias {
				bias = randSlice(rng, p.OutC)
			}
			cg := NewConvGemm(&p, w, bias)
			if !cg.Direct() {
				t.Fatalf("%+v: no direct path", p)
			}
			in := x
			if cg.PadLen() > 0 {
				in = make([]float32, cg.PadLen())
				cg.Pad(in, x, 0, p.N)
			}
			want := make([]float32, p.OutputLen())
			cg.Run(want, []*ConvSource{cg.Source(in, 0)}, 0, cg.Columns())
			got := make([]float32, p.OutputLen())
			for n := 0; n < p.N; n++ {
				cg.RunDirect(got, in, n, n+1)
			}
			for i := range want {
				if math.Float32bits(want[i]) != math.Float32bits(got[i]) {
					t.Fatalf("%+v bias=%v: [%d] direct %v, product %v", p, withBias, i, got[i], want[i])
				}
			}
		}
	}
	for _, p := range []Conv2DParams{sq(1, 2, 28, 28, 16, 3, 1, 1, 1, 1), sq(1, 1, 28, 28, 12, 3, 1, 1, 1, 1),
		sq(1, 1, 28, 28, 16, 3, 2, 1, 1, 1), sq(1, 1, 6, 6, 16, 3, 1, 0, 1, 1)} {
		if NewConvGemm(&p, make([]float32, p.WeightLen()), nil).Direct() {
			t.Errorf("%+v takes the direct path", p)
		}
	}
}

// A ReLU folded into the padded copy gives the bits of the convolution of
// the rectified input, through the product and through the direct path.
func TestConvGemmReluInput(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for _, p := range []Conv2DParams{sq(2, 8, 14, 14, 16, 3, 1, 1, 1, 1), sq(1, 8, 6, 6, 16, 3, 1, 1, 1, 1), sq(1, 1, 28, 28, 16, 3, 1, 1, 1, 1)} {
		x, w, bias := randSlice(rng, p.InputLen()), randSlice(rng, p.WeightLen()), randSlice(rng, p.OutC)
		rx := make([]float32, len(x))
		for i, v := range x {
			rx[i] = max(v, 0)
		}
		run := func(in []float32, relu bool) []float32 {
			cg := NewConvGemm(&p, w, bias)
			if !cg.CanReluInput() {
				t.Fatalf("%+v cannot rectify its input", p)
			}
			cg.ReluInput = relu
			out := make([]float32, p.OutputLen())
			newConvGemmRun(cg, in, 1).all(out)
			return out
		}
		want, got := run(rx, false), run(x, true)
		for i := range want {
			if math.Float32bits(want[i]) != math.Float32bits(got[i]) {
				t.Fatalf("%+v: [%d] folded %v, apart %v", p, i, got[i], want[i])
			}
		}
	}
	p := sq(1, 8, 14, 14, 16, 3, 2, 1, 1, 1)
	if NewConvGemm(&p, make([]float32, p.WeightLen()), nil).CanReluInput() {
		t.Error("a strided convolution takes a folded ReLU")
	}
}

// The Winograd path takes the ResNet's 3×3 layers and the pixel
// baseline's, and the default pipeline's 4×4 latent maps from eight images
// up; it leaves those maps at smaller batches and the deepest layers at
// batch 1 and 2 to the single product, where it measured slower.
func TestConvGemmWinogradChoice(t *testing.T) {
	if !simd.WinogradVectorised() {
		t.Skip("the transforms run in Go at this level: no convolution takes the path")
	}
	for _, c := range []struct {
		p    Conv2DParams
		want bool
	}{
		{sq(16, 32, 32, 32, 32, 3, 1, 1, 1, 1), true},
		{sq(16, 64, 16, 16, 64, 3, 1, 1, 1, 1), true},
		{sq(16, 128, 8, 8, 128, 3, 1, 1, 1, 1), true},
		{sq(16, 256, 4, 4, 256, 3, 1, 1, 1, 1), true},
		{sq(1, 64, 16, 16, 64, 3, 1, 1, 1, 1), true},
		{sq(1, 128, 8, 8, 128, 3, 1, 1, 1, 1), true},
		{sq(1, 256, 4, 4, 256, 3, 1, 1, 1, 1), false},
		{sq(16, 64, 4, 4, 64, 3, 1, 1, 1, 1), true},
		{sq(4, 64, 4, 4, 64, 3, 1, 1, 1, 1), false},
		{sq(16, 16, 14, 14, 32, 3, 1, 1, 1, 1), true},
		{sq(1, 16, 14, 14, 32, 3, 1, 1, 1, 1), true},
		{sq(2, 256, 4, 4, 256, 3, 1, 1, 1, 1), false},
		{sq(4, 256, 4, 4, 256, 3, 1, 1, 1, 1), true},
		{sq(16, 32, 7, 7, 64, 3, 1, 1, 1, 1), true},
		{sq(1, 32, 7, 7, 64, 3, 1, 1, 1, 1), true},
		{sq(16, 64, 16, 16, 64, 3, 2, 1, 1, 1), false},
	} {
		if got := c.p.gemmWinograd(); got != c.want {
			t.Errorf("%+v: Winograd %v, want %v", c.p, got, c.want)
		}
	}
	// 4×4 tiles where a row of them, two rows, two images' two by two or
	// eight images' one fill the lanes: the ResNet's 32×32, 16×16, 8×8 and
	// 4×4 maps and the pixel baseline's 14×14 and 7×7 ones, not 4×4 ones of
	// four images, 6×6 (a little over half covered) or 20×20 ones.
	if !simd.Winograd4Vectorised() {
		return
	}
	for _, c := range []struct {
		p    Conv2DParams
		want bool
	}{
		{sq(16, 32, 32, 32, 32, 3, 1, 1, 1, 1), true},
		{sq(1, 32, 32, 32, 32, 3, 1, 1, 1, 1), true},
		{sq(1, 32, 28, 28, 32, 3, 1, 1, 1, 1), true},
		{sq(16, 64, 16, 16, 64, 3, 1, 1, 1, 1), true},
		{sq(16, 16, 14, 14, 32, 3, 1, 1, 1, 1), true},
		{sq(16, 64, 4, 4, 64, 3, 1, 1, 1, 1), true},
		{sq(4, 256, 4, 4, 256, 3, 1, 1, 1, 1), false},
		{sq(16, 128, 8, 8, 128, 3, 1, 1, 1, 1), true},
		{sq(16, 32, 7, 7, 64, 3, 1, 1, 1, 1), true},
		{sq(16, 32, 6, 6, 64, 3, 1, 1, 1, 1), false},
		{sq(2, 128, 8, 8, 128, 3, 1, 1, 1, 1), false},
		{sq(1, 32, 7, 7, 64, 3, 1, 1, 1, 1), false},
		{sq(1, 64, 16, 16, 64, 3, 1, 1, 1, 1), true},
		{sq(16, 16, 20, 20, 32, 3, 1, 1, 1, 1), false},
	} {
		if got := c.p.winoWide(); got != c.want {
			t.Errorf("%+v: 4×4 tiles %v, want %v", c.p, got, c.want)
		}
	}
}

// A Winograd convolution with its 2×2 max pool folded in writes the bits
// of the convolution followed by MaxPool2D, with and without the ReLUs
// before and after, for maps one and two rows of tiles at a time, odd
// maps (whose last row or column the pool leaves out), rows of tiles
// longer than a kernel call, several chunks, a NaN in the input and any
// split of the chunks among goroutines; runs allocate nothing. Where the
// transforms have no vector kernel the path is forced, as it is for maps
// the choice leaves to the single product.
func TestConvGemmPool(t *testing.T) {
	defer func() { winoForce, winoForce4 = 0, 0 }()
	rng := rand.New(rand.NewPCG(31, 32))
	for _, p := range []Conv2DParams{
		sq(2, 16, 14, 14, 32, 3, 1, 1, 1, 1),
		sq(3, 32, 7, 7, 64, 3, 1, 1, 1, 1),
		sq(2, 8, 8, 8, 8, 3, 1, 1, 1, 1),
		sq(2, 8, 13, 21, 16, 3, 1, 1, 1, 1),
		sq(2, 8, 41, 37, 16, 3, 1, 1, 1, 1),
		{N: 3, C: 5, H: 9, W: 12, OutC: 7, KH: 3, KW: 3, StrideH: 1, StrideW: 1, PadTop: 2, PadBottom: 0, PadLeft: 0, PadRight: 1, DilationH: 1, DilationW: 1, Groups: 1},
		sq(2, 8, 13, 15, 8, 3, 1, 1, 1, 1),
		sq(3, 8, 9, 16, 8, 3, 1, 1, 1, 1),
		sq(3, 8, 5, 6, 8, 3, 1, 1, 1, 1),
	} {
		for _, force4 := range []int{-1, 1} {
			// 2×2 tiles, and 4×4 ones two rows at a time where the map is
			// four of them wide, or two images at a time where it is two
			// by two.
			winoForce, winoForce4 = 1, force4
			if tw, th := (p.OutW()+3)/4, (p.OutH()+3)/4; force4 > 0 && tw != 4 && (tw != 2 || th != 2) {
				continue
			}
			if !p.GemmPools() {
				t.Fatalf("%+v does not pool", p)
			}
			x, w, bias := randSlice(rng, p.InputLen()), randSlice(rng, p.WeightLen()), randSlice(rng, p.OutC)
			x[rng.IntN(len(x))] = float32(math.NaN())
			for _, relus := range [][2]bool{{false, false}, {false, true}, {true, true}} {
				cg := NewConvGemm(&p, w, bias)
				cg.ReluInput = relus[0]
				full := make([]float32, p.OutputLen())
				newConvGemmRun(cg, x, 1).all(full)
				pp := Pool2DParams{N: p.N, C: p.OutC, H: p.OutH(), W: p.OutW(), KH: 2, KW: 2, StrideH: 2, StrideW: 2, Relu: relus[1]}
				want := make([]float32, pp.N*pp.C*pp.OutH()*pp.OutW())
				MaxPool2D(&pp, want, full)

				if err := cg.PoolOutput(relus[1]); err != nil {
					t.Fatal(err)
				}
				for _, workers := range []int{1, 3} {
					got, check := guarded(t, len(want))
					run := newConvGemmRun(cg, x, workers)
					run.split(got, 1)
					check()
					for i := range want {
						if math.Float32bits(want[i]) != math.Float32bits(got[i]) {
							t.Fatalf("%+v tiles %d relus %v, %d workers: [%d] = %v, want %v", p, cg.wino.r, relus, workers, i, got[i], want[i])
						}
					}
					if workers == 1 {
						if a := testing.AllocsPerRun(3, func() { run.all(got) }); a != 0 {
							t.Errorf("%+v: %v allocations a run", p, a)
						}
					}
				}
			}
		}
	}
	single := sq(2, 16, 14, 14, 32, 3, 2, 1, 1, 1)
	if single.GemmPools() || NewConvGemm(&single, make([]float32, single.WeightLen()), nil).PoolOutput(false) == nil {
		t.Error("a strided convolution pools its output")
	}
}

// convGemmRun runs a ConvGemm whichever path it takes, as the runtime
// does: the padded copy (or Winograd's split one) first, then the
// product, with state for workers goroutines.
type convGemmRun struct {
	cg      *ConvGemm
	x, pad  []float32
	srcs    [][]*ConvSource
	workers []*WinoWorker
}

func newConvGemmRun(cg *ConvGemm, x []float32, workers int) *convGemmRun {
	r := &convGemmRun{cg: cg, x: x}
	p := &cg.p
	if cg.Winograd() {
		scratch := make([]float32, p.GemmScratchLen(workers))
		for i := 0; i < workers; i++ {
			r.workers = append(r.workers, cg.NewWinoWorker(scratch, i))
		}
		return r
	}
	in := x
	if cg.PadLen() > 0 {
		r.pad = make([]float32, cg.PadLen())
		in = r.pad
	}
	for i := 0; i < workers; i++ {
		var own []*ConvSource
		for g := 0; g < p.Groups; g++ {
			own = append(own, cg.Source(in, g))
		}
		r.srcs = append(r.srcs, own)
	}
	return r
}

func (r *convGemmRun) prepare() {
	cg := r.cg
	if !cg.Winograd() && r.pad != nil {
		cg.Pad(r.pad, r.x, 0, cg.p.N)
	}
}

func (r *convGemmRun) units() int {
	if r.cg.Winograd() {
		return r.cg.WinoUnits()
	}
	return r.cg.Columns()
}

func (r *convGemmRun) run(dst []float32, worker, lo, hi int) {
	if r.cg.Winograd() {
		r.cg.RunWino(dst, r.x, r.workers[worker], lo, hi)
		return
	}
	r.cg.Run(dst, r.srcs[worker], lo, hi)
}

// all computes the whole output in one call.
func (r *convGemmRun) all(dst []float32) {
	r.prepare()
	r.run(dst, 0, 0, r.units())
}

// split computes it in ranges of step units (columns, or Winograd's
// chunks of tiles, of which a test has few: they go one by one), at most
// len(workers) at once on goroutines.
func (r *convGemmRun) split(dst []float32, step int) {
	r.prepare()
	if r.cg.Winograd() {
		step = 1
	}
	n := len(r.workers) + len(r.srcs)
	var wg sync.WaitGroup
	sem := make(chan int, n)
	for i := 0; i < n; i++ {
		sem <- i
	}
	for lo := 0; lo < r.units(); lo += step {
		w := <-sem
		wg.Add(1)
		go func(lo, w int) {
			defer wg.Done()
			r.run(dst, w, lo, min(lo+step, r.units()))
			sem <- w
		}(lo, w)
	}
	wg.Wait()
}

// The F(4×4, 3×3) weight transform is G·g·Gᵀ with Lavin's G, to float32
// rounding of the float64 product of the matrices.
func TestWinoTransformWeights4(t *testing.T) {
	gm := [6][3]float64{{1.0 / 4, 0, 0}, {-1.0 / 6, -1.0 / 6, -1.0 / 6}, {-1.0 / 6, 1.0 / 6, -1.0 / 6},
		{1.0 / 24, 1.0 / 12, 1.0 / 6}, {1.0 / 24, -1.0 / 12, 1.0 / 6}, {0, 0, 1}}
	rng := rand.New(rand.NewPCG(71, 72))
	const opg, cpg = 3, 5
	w := randSlice(rng, opg*cpg*9)
	u := make([]float32, 36*opg*cpg)
	winoTransformWeights4(u, w, opg, cpg)
	for at := 0; at < opg*cpg; at++ {
		for r := 0; r < 6; r++ {
			for s := 0; s < 6; s++ {
				var want float64
				for a := 0; a < 3; a++ {
					for b := 0; b < 3; b++ {
						want += gm[r][a] * float64(w[at*9+3*a+b]) * gm[s][b]
					}
				}
				got := u[(6*r+s)*opg*cpg+at]
				if d := math.Abs(float64(got) - want); d > 0x1p-24*math.Abs(want)+1e-12 {
					t.Fatalf("U[%d][%d] of kernel %d = %v, want %v", r, s, at, got, want)
				}
			}
		}
	}
}
