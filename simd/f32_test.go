package simd

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// f32Lengths are the vector lengths tested: every length up to 200 (all
// tails of every unrolled loop) and a few large ones.
func f32Lengths() []int {
	var ns []int
	for n := 0; n <= 200; n++ {
		ns = append(ns, n)
	}
	ns = append(ns, 1023, 4099)
	if !testing.Short() {
		ns = append(ns, 100_003)
	}
	return ns
}

// Sdot's bound: (n+2)·2^-23·Σ|x[i]·y[i]|, twice the worst case of float32
// summation in any order plus fused or unfused products.
func TestSdot(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	for _, im := range sdotFamily.available() {
		t.Run(im.name, func(t *testing.T) {
			for _, n := range f32Lengths() {
				for off := 0; off < 4; off++ {
					if n > 300 && off > 1 {
						break
					}
					buf := f32Rand(r, n+off+8)
					x := buf[off : off+n]
					ybuf := f32Rand(r, n+8)
					// y is longer than x: the kernel must use len(x).
					y := ybuf[(off+1)%4:]
					exact, mag := 0.0, 0.0
					for i := range x {
						v := float64(x[i]) * float64(y[i])
						exact += v
						mag += math.Abs(v)
					}
					got := im.fn(x, y[:n])
					tol := float64(n+2) * 0x1p-23 * mag
					require.InDelta(t, exact, float64(got), tol, "n=%d off=%d", n, off)
				}
			}
			require.True(t, math.IsNaN(float64(im.fn([]float32{1, float32(math.NaN()), 2}, []float32{1, 1, 1}))))
			// An infinity in the last (tail) lane must reach the result.
			for _, n := range []int{1, 15, 37, 70} {
				x, y := make([]float32, n), make([]float32, n)
				for i := range x {
					x[i], y[i] = 1, 1
				}
				x[n-1] = float32(math.Inf(1))
				require.True(t, math.IsInf(float64(im.fn(x, y)), 1), "n=%d", n)
			}
		})
	}
}

// TestSaxpy checks every element against float64 within two roundings and
// that nothing outside y[:len(x)] changes.
func TestSaxpy(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 24))
	for _, im := range saxpyFamily.available() {
		t.Run(im.name, func(t *testing.T) {
			for _, n := range f32Lengths() {
				for off := 0; off < 4; off++ {
					if n > 300 && off > 1 {
						break
					}
					alpha := float32(r.Float64()*4 - 2)
					x := f32Rand(r, n+off)[off:]
					ybuf := make([]float32, n+16)
					for i := range ybuf {
						ybuf[i] = f32Guard
					}
					y := ybuf[4+off : 4+off+n]
					y0 := f32Rand(r, n)
					copy(y, y0)
					im.fn(alpha, x, y)
					// Plain comparisons: this loop runs a million times
					// under emulation.
					for i := range ybuf {
						if (i < 4+off || i >= 4+off+n) && ybuf[i] != f32Guard {
							t.Fatalf("n=%d off=%d: wrote outside y at %d", n, off, i)
						}
					}
					for i := range y {
						p := float64(alpha) * float64(x[i])
						want := float64(y0[i]) + p
						tol := 0x1p-23 * (math.Abs(p) + math.Abs(float64(y0[i])))
						if math.Abs(float64(y[i])-want) > tol {
							t.Fatalf("n=%d off=%d: y[%d] = %v, want %v (tolerance %g)", n, off, i, y[i], want, tol)
						}
					}
				}
			}
		})
	}
}

func TestSdotSaxpyAPI(t *testing.T) {
	x := []float32{1, 2, 3}
	y := []float32{4, 5, 6, 7}
	require.Equal(t, float32(32), Sdot(x, y))
	Saxpy(2, x, y)
	require.Equal(t, []float32{6, 9, 12, 7}, y)
	require.Panics(t, func() { Sdot(y, x) })
	require.Panics(t, func() { Saxpy(1, y, x) })
	require.Zero(t, testing.AllocsPerRun(10, func() { Saxpy(1, x, y); _ = Sdot(x, y) }))
}

var f32BenchLengths = []int{64, 1024, 16384}

func BenchmarkSdot(b *testing.B) {
	for _, n := range f32BenchLengths {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			r := rand.New(rand.NewPCG(1, 1))
			x, y := f32Rand(r, n), f32Rand(r, n)
			b.SetBytes(int64(8 * n))
			var s float32
			for b.Loop() {
				s += Sdot(x, y)
			}
			b.ReportMetric(2*float64(n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			f32Sink = s
		})
	}
}

func BenchmarkSaxpy(b *testing.B) {
	for _, n := range f32BenchLengths {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			r := rand.New(rand.NewPCG(1, 1))
			x, y := f32Rand(r, n), f32Rand(r, n)
			b.SetBytes(int64(12 * n))
			for b.Loop() {
				Saxpy(1e-9, x, y)
			}
			b.ReportMetric(2*float64(n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

var f32Sink float32
