package simd

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// SgemmPackedAStrided computes the product to within the bound of a dot
// product of k terms with every SGEMM kernel A can be packed for and
// every strided kernel, writes nothing but the m×n block of C, and, where
// the strided kernel is an assembly twin of the SGEMM kernel A was packed
// for, gives the bits of SgemmPackedA.
func TestSgemmPackedAStrided(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 18))
	forEachSgemm(t, func(t *testing.T) {
		for _, st := range sgemmStridedFamily.available() {
			saved := sgemmStridedFn
			sgemmStridedFn = st.fn
			for _, sh := range []struct{ m, k, n int }{
				{1, 1, 1}, {6, 4, 16}, {7, 5, 17}, {32, 32, 128}, {13, 33, 40}, {64, 300, 15}, {5, 257, 33}, {3, 1, 8},
			} {
				t.Run(fmt.Sprintf("%s/%dx%dx%d", st.name, sh.m, sh.k, sh.n), func(t *testing.T) {
					a := f32Rand(r, sh.m*sh.k)
					ldb := (sh.n+15)/16*16 + 3
					b := f32Rand(r, max(sh.k, 1)*ldb)
					for p := 0; p < sh.k; p++ {
						for j := sh.n; j < ldb; j++ {
							b[p*ldb+j] = float32(math.NaN()) // read, never summed into C
						}
					}
					pa := PackA(false, sh.m, sh.k, a, sh.k)
					ldc := sh.n + 2
					c, _ := guarded(sh.m*ldc, 0, f32Guard)
					SgemmPackedAStrided(pa, b, ldb, sh.n, c, ldc)
					for i := 0; i < sh.m; i++ {
						for j := 0; j < ldc; j++ {
							got := c[i*ldc+j]
							if j >= sh.n {
								require.Equal(t, f32Guard, got, "(%d, %d) written", i, j)
								continue
							}
							var exact, mag float64
							for p := 0; p < sh.k; p++ {
								v := float64(a[i*sh.k+p]) * float64(b[p*ldb+j])
								exact += v
								mag += math.Abs(v)
							}
							require.LessOrEqual(t, math.Abs(float64(got)-exact), float64(sh.k+2)*0x1p-24*mag, "(%d, %d)", i, j)
						}
					}
					if pa.mr != sgemmStridedMR || st.name == "generic" || sgemmKern.kern == nil {
						return
					}
					src := &matSource{b: make([]float32, sh.k*sh.n), n: sh.n}
					for p := 0; p < sh.k; p++ {
						copy(src.b[p*sh.n:(p+1)*sh.n], b[p*ldb:])
					}
					want := make([]float32, sh.m*ldc)
					SgemmPackedA(pa, src, 0, sh.n, want, ldc, sh.n, 0)
					for i := 0; i < sh.m; i++ {
						for j := 0; j < sh.n; j++ {
							require.Equal(t, math.Float32bits(want[i*ldc+j]), math.Float32bits(c[i*ldc+j]), "(%d, %d)", i, j)
						}
					}
				})
			}
			sgemmStridedFn = saved
		}
	})
	pa := PackA(false, 2, 3, make([]float32, 6), 3)
	require.Panics(t, func() { SgemmPackedAStrided(pa, make([]float32, 40), 16, 17, make([]float32, 40), 17) })
	require.Panics(t, func() { SgemmPackedAStrided(pa, make([]float32, 48), 16, 16, make([]float32, 20), 16) })
}

func BenchmarkSgemmPackedAStrided(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, sh := range []struct{ m, k, n int }{{32, 32, 128}, {64, 64, 128}, {256, 256, 64}} {
		a := f32Rand(r, sh.m*sh.k)
		bm := f32Rand(r, sh.k*(sh.n+16))
		c := make([]float32, sh.m*sh.n)
		pa := PackA(false, sh.m, sh.k, a, sh.k)
		src := &matSource{b: bm, n: sh.n + 16}
		flops := 2 * float64(sh.m*sh.k*sh.n)
		b.Run(fmt.Sprintf("strided/%dx%dx%d", sh.m, sh.k, sh.n), func(b *testing.B) {
			for b.Loop() {
				SgemmPackedAStrided(pa, bm, sh.n+16, sh.n, c, sh.n)
			}
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
		b.Run(fmt.Sprintf("packed/%dx%dx%d", sh.m, sh.k, sh.n), func(b *testing.B) {
			for b.Loop() {
				SgemmPackedA(pa, src, 0, sh.n, c, sh.n, sh.n, 0)
			}
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}
