package simd

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// matSource is the plainest BPanelSource: a row-major k×n matrix.
type matSource struct {
	b []float32
	n int
}

func (s *matSource) PackPanel(dst []float32, nr, p0, kc, j0, cols int) {
	for p := 0; p < kc; p++ {
		d := dst[p*nr : p*nr+nr]
		copy(d, s.b[(p0+p)*s.n+j0:(p0+p)*s.n+j0+cols])
		for j := cols; j < nr; j++ {
			d[j] = f32Guard // must never reach C
		}
	}
}

// TestSgemmPackedA checks the pre-packed-A product against the exact one on
// every kernel, across shapes that leave partial micro-panels in M,
// partial B panels, K whole (up to the B buffer) and in blocks past it,
// blocks of columns as wide as K leaves room for, and column groups (the
// batch of a convolution) that do and do not line up with panels; and that
// column
// ranges split among goroutines give the very same bits.
func TestSgemmPackedA(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	forEachSgemm(t, func(t *testing.T) {
		for _, sh := range []struct{ m, k, n, group int }{
			{1, 1, 1, 1}, {6, 9, 16, 16}, {64, 577, 16, 16}, {64, 577, 256, 16},
			{13, 300, 49, 49}, {16, 10, 784, 784}, {7, 33, 100, 4}, {24, 513, 1100, 550},
			{32, 144, 196 * 3, 196}, {5, 20, 37, 37}, {7, 8300, 40, 40}, {3, 9000, 17, 5},
			{11, 3, 5000, 300},
		} {
			t.Run(fmt.Sprintf("%dx%dx%d/g%d", sh.m, sh.k, sh.n, sh.group), func(t *testing.T) {
				a := f32Rand(r, sh.m*sh.k)
				src := &matSource{b: f32Rand(r, sh.k*sh.n), n: sh.n}
				pa := PackA(false, sh.m, sh.k, a, sh.k)
				ldc := sh.group + 3
				gstride := sh.m*ldc + 5
				ng := (sh.n + sh.group - 1) / sh.group
				c := make([]float32, ng*gstride)
				for i := range c {
					c[i] = f32Guard
				}
				SgemmPackedA(pa, src, 0, sh.n, c, ldc, sh.group, gstride)
				for j := 0; j < sh.n; j++ {
					for i := 0; i < sh.m; i++ {
						var exact, mag float64
						for p := 0; p < sh.k; p++ {
							v := float64(a[i*sh.k+p]) * float64(src.b[p*sh.n+j])
							exact += v
							mag += math.Abs(v)
						}
						got := c[(j/sh.group)*gstride+i*ldc+j%sh.group]
						require.InDelta(t, exact, float64(got), sgemmTol(sh.k, mag)+1e-30, "C[%d][%d]", i, j)
					}
				}
				// Nothing outside C was touched.
				for g := 0; g < ng; g++ {
					for i := 0; i < sh.m; i++ {
						for j := sh.group; j < ldc; j++ {
							require.Equal(t, f32Guard, c[g*gstride+i*ldc+j])
						}
					}
					for x := sh.m * ldc; x < gstride; x++ {
						require.Equal(t, f32Guard, c[g*gstride+x])
					}
				}
				// Split into uneven ranges: identical bits.
				c2 := make([]float32, len(c))
				copy(c2, c)
				for i := range c2 {
					if c2[i] != f32Guard {
						c2[i] = 0
					}
				}
				var wg sync.WaitGroup
				for j0 := 0; j0 < sh.n; j0 += 37 {
					wg.Add(1)
					go func(j0 int) {
						defer wg.Done()
						SgemmPackedA(pa, src, j0, min(j0+37, sh.n), c2, ldc, sh.group, gstride)
					}(j0)
				}
				wg.Wait()
				require.Equal(t, c, c2)
			})
		}
	})
}

// TestSgemmPackedALevelChange runs a PackedA packed under one kernel after
// the kernel changed: the Go twin takes over with the same results.
func TestSgemmPackedALevelChange(t *testing.T) {
	impls := sgemmFamily.available()
	if len(impls) < 2 {
		t.Skip("one SGEMM kernel on this CPU")
	}
	r := rand.New(rand.NewPCG(9, 10))
	saved := sgemmKern
	defer func() { sgemmKern = saved }()
	m, k, n := 20, 70, 45
	a := f32Rand(r, m*k)
	src := &matSource{b: f32Rand(r, k*n), n: n}
	sgemmKern = impls[len(impls)-1].fn
	pa := PackA(false, m, k, a, k)
	want := make([]float32, m*n)
	SgemmPackedA(pa, src, 0, n, want, n, n, 0)
	sgemmKern = impls[0].fn
	got := make([]float32, m*n)
	SgemmPackedA(pa, src, 0, n, got, n, n, 0)
	for i := range want {
		require.InDelta(t, want[i], got[i], 1e-4)
	}
}

// TestSgemmPackedAPanics: arguments that would write outside C are refused.
func TestSgemmPackedAPanics(t *testing.T) {
	pa := PackA(false, 4, 3, make([]float32, 12), 3)
	src := &matSource{b: make([]float32, 30), n: 10}
	require.Panics(t, func() { SgemmPackedA(pa, src, 0, 10, make([]float32, 39), 10, 10, 0) })
	require.Panics(t, func() { SgemmPackedA(pa, src, 5, 4, make([]float32, 40), 10, 10, 0) })
	require.Panics(t, func() { SgemmPackedA(pa, src, 0, 10, make([]float32, 40), 4, 10, 0) })
	require.NotPanics(t, func() { SgemmPackedA(pa, src, 0, 10, make([]float32, 40), 10, 10, 0) })
}

func BenchmarkSgemmPackedA(b *testing.B) {
	r := rand.New(rand.NewPCG(11, 12))
	for _, sh := range []struct{ m, k, n int }{{64, 577, 16}, {64, 289, 196}, {256, 2305, 16}, {64, 577, 4096}} {
		b.Run(fmt.Sprintf("%dx%dx%d", sh.m, sh.k, sh.n), func(b *testing.B) {
			pa := PackA(false, sh.m, sh.k, f32Rand(r, sh.m*sh.k), sh.k)
			src := &matSource{b: f32Rand(r, sh.k*sh.n), n: sh.n}
			c := make([]float32, sh.m*sh.n)
			b.ResetTimer()
			for range b.N {
				SgemmPackedA(pa, src, 0, sh.n, c, sh.n, sh.n, 0)
			}
			b.ReportMetric(2*float64(sh.m*sh.k*sh.n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}
