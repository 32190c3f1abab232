package kern

import (
	"fmt"
	"github.com/edgerun/edgerun/simd"
	"math/rand/v2"
	"testing"
)

// Benchmarks report GFLOP/s (2 flops per multiply-add).

func reportFlops(b *testing.B, flops float64) {
	b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

// cpuClock measures the CPU time of a benchmark loop (see cpuSeconds).
type cpuClock struct{ start float64 }

func startCPU(b *testing.B) cpuClock {
	b.ResetTimer()
	return cpuClock{cpuSeconds()}
}

// report adds GFLOP per CPU second, the single-core rate even when the
// machine is oversubscribed.
func (c cpuClock) report(b *testing.B, flops float64) {
	reportFlops(b, flops)
	if d := cpuSeconds() - c.start; d > 0 && c.start > 0 {
		b.ReportMetric(flops*float64(b.N)/d/1e9, "GFLOP/cpu-s")
	}
}

// withGemms runs f once with each GEMM the kernels can be built on: the
// pure-Go GemmGeneric and the SIMD SGEMM (the default), so one run shows
// what the SIMD kernels buy.
func withGemms(b *testing.B, f func(b *testing.B)) {
	saved := gemm
	defer func() { gemm = saved }()
	for _, g := range []struct {
		name string
		fn   GemmFunc
	}{{"gemm=go", GemmGeneric}, {"gemm=simd", simd.Sgemm}} {
		gemm = g.fn
		b.Run(g.name, f)
	}
}

func BenchmarkConv2D(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, p := range []Conv2DParams{
		{N: 1, C: 32, H: 56, W: 56, OutC: 64, KH: 3, KW: 3, StrideH: 1, StrideW: 1, PadTop: 1, PadBottom: 1, PadLeft: 1, PadRight: 1, DilationH: 1, DilationW: 1, Groups: 1},
		{N: 1, C: 64, H: 56, W: 56, OutC: 64, KH: 1, KW: 1, StrideH: 1, StrideW: 1, DilationH: 1, DilationW: 1, Groups: 1},
		{N: 1, C: 64, H: 56, W: 56, OutC: 64, KH: 3, KW: 3, StrideH: 1, StrideW: 1, PadTop: 1, PadBottom: 1, PadLeft: 1, PadRight: 1, DilationH: 1, DilationW: 1, Groups: 64},
	} {
		kind := fmt.Sprintf("%dx%d", p.KH, p.KW)
		if p.Groups == p.C {
			kind += "dw"
		}
		name := fmt.Sprintf("%s/%dx%dx%dx%d-%d", kind, p.N, p.C, p.H, p.W, p.OutC)
		b.Run(name, func(b *testing.B) {
			withGemms(b, func(b *testing.B) {
				if err := p.Validate(); err != nil {
					b.Fatal(err)
				}
				x, w, bias := randSlice(r, p.InputLen()), randSlice(r, p.WeightLen()), randSlice(r, p.OutC)
				dst, scratch := make([]float32, p.OutputLen()), make([]float32, Conv2DScratch(&p))
				flops := 2 * float64(p.OutputLen()) * float64(p.C/p.Groups*p.KH*p.KW)
				clk := startCPU(b)
				for range b.N {
					Conv2D(&p, dst, x, w, bias, scratch)
				}
				clk.report(b, flops)
			})
		})
	}
}

func BenchmarkDense(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, p := range []DenseParams{{Batch: 1, In: 512, Out: 512}, {Batch: 16, In: 256, Out: 128}, {Batch: 64, In: 1024, Out: 1024}} {
		b.Run(fmt.Sprintf("%dx%dx%d", p.Batch, p.In, p.Out), func(b *testing.B) {
			withGemms(b, func(b *testing.B) {
				x, w, bias := randSlice(r, p.Batch*p.In), randSlice(r, p.Out*p.In), randSlice(r, p.Out)
				dst := make([]float32, p.Batch*p.Out)
				clk := startCPU(b)
				for range b.N {
					Dense(&p, dst, x, w, bias)
				}
				clk.report(b, 2*float64(p.Batch*p.In*p.Out))
			})
		})
		b.Run(fmt.Sprintf("%dx%dx%d/packed", p.Batch, p.In, p.Out), func(b *testing.B) {
			x, w, bias := randSlice(r, p.Batch*p.In), randSlice(r, p.Out*p.In), randSlice(r, p.Out)
			dst, pw := make([]float32, p.Batch*p.Out), PackDense(&p, w)
			clk := startCPU(b)
			for range b.N {
				DensePacked(&p, dst, x, pw, bias)
			}
			clk.report(b, 2*float64(p.Batch*p.In*p.Out))
		})
	}
}

func BenchmarkGemmGeneric(b *testing.B) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, n := range []int{64, 256, 512} {
		b.Run(fmt.Sprintf("%dx%dx%d", n, n, n), func(b *testing.B) {
			a, bb, c := randSlice(r, n*n), randSlice(r, n*n), make([]float32, n*n)
			clk := startCPU(b)
			for range b.N {
				GemmGeneric(false, false, n, n, n, 1, a, n, bb, n, 0, c, n)
			}
			clk.report(b, 2*float64(n*n*n))
		})
	}
}

func BenchmarkSoftmax(b *testing.B) {
	r := rand.New(rand.NewPCG(9, 10))
	for _, s := range [][2]int{{1, 1000}, {256, 256}} {
		b.Run(fmt.Sprintf("%dx%d", s[0], s[1]), func(b *testing.B) {
			ax := Axis{Outer: s[0], Len: s[1], Inner: 1}
			x := randSlice(r, ax.Size())
			dst := make([]float32, len(x))
			b.SetBytes(int64(4 * len(x)))
			b.ResetTimer()
			for range b.N {
				Softmax(&ax, dst, x)
			}
		})
	}
}

func BenchmarkAttention(b *testing.B) {
	r := rand.New(rand.NewPCG(11, 12))
	p := AttentionParams{N: 1, C: 128, Spatial: 16 * 16, Groups: 32, Eps: 1e-6}
	c := p.C
	w := AttentionWeights{NormGamma: randSlice(r, c), NormBeta: randSlice(r, c), Wq: randSlice(r, c*c), Bq: randSlice(r, c),
		Wk: randSlice(r, c*c), Bk: randSlice(r, c), Wv: randSlice(r, c*c), Bv: randSlice(r, c), Wo: randSlice(r, c*c), Bo: randSlice(r, c)}
	x := randSlice(r, c*p.Spatial)
	dst, scratch := make([]float32, len(x)), make([]float32, AttentionScratch(&p))
	flops := 2 * float64(4*p.Spatial*c*c+2*p.Spatial*p.Spatial*c)
	b.Run("c128-16x16", func(b *testing.B) {
		clk := startCPU(b)
		for range b.N {
			Attention(&p, dst, x, &w, scratch)
		}
		clk.report(b, flops)
	})
}
