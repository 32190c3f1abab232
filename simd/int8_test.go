package simd

import (
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// i8Impls returns every int8 GEMM kernel this CPU runs: the dispatched
// ones and the test-only twins.
func i8Impls() []impl[*i8Kernel] {
	out := gemmI8Family.available()
	for _, im := range i8TestOnly {
		if im.usable(detected) {
			out = append(out, im)
		}
	}
	return out
}

// i8Naive is the int64 reference: Σ (a - zero)·b with no overflow.
func i8Naive(m, n, k int, a func(i, kk int) int64, zero int64, b func(kk, j int) int64) []int64 {
	c := make([]int64, m*n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s int64
			for kk := 0; kk < k; kk++ {
				s += (a(i, kk) - zero) * b(kk, j)
			}
			c[i*n+j] = s
		}
	}
	return c
}

type i8Case struct {
	m, n, k         int
	lda, ldb, ldc   int
	transB, signedA bool
	zero            int32
	j0, j1          int
	fill            string // "rand", "max", "min", "mix"
}

func (tc i8Case) String() string {
	return fmt.Sprintf("%dx%dx%d/lda%d/ldb%d/ldc%d/t%v/s%v/z%d/cols%d-%d/%s",
		tc.m, tc.n, tc.k, tc.lda, tc.ldb, tc.ldc, tc.transB, tc.signedA, tc.zero, tc.j0, tc.j1, tc.fill)
}

const i8Guard = int32(-0x5a5a5a5b)

// runI8Case runs one case on kernel kern and checks it bit-exactly against
// the naive reference, and that nothing outside C's rows and columns
// [j0, j1) changed.
func runI8Case(t *testing.T, name string, kern *i8Kernel, tc i8Case, r *rand.Rand) {
	t.Helper()
	bRows, bCols := tc.k, tc.n
	if tc.transB {
		bRows, bCols = tc.n, tc.k
	}
	b := make([]int8, max(0, (bRows-1)*tc.ldb+bCols)+3)
	a := make([]byte, max(0, (tc.m-1)*tc.lda+tc.k)+5)
	switch tc.fill {
	case "max": // largest products: 255·-128 (or -128·-128 signed)
		for i := range a {
			a[i] = 255
			if tc.signedA {
				a[i] = 0x80
			}
		}
		for i := range b {
			b[i] = -128
		}
	case "min":
		for i := range a {
			a[i] = 0
			if tc.signedA {
				a[i] = 0x7f
			}
		}
		for i := range b {
			b[i] = 127
		}
	case "mix": // alternating extremes, hits every sign combination in a pair
		ext := []byte{0, 255, 0x80, 0x7f, 1}
		for i := range a {
			a[i] = ext[r.IntN(len(ext))]
		}
		for i := range b {
			b[i] = int8([]int{-128, 127, -1, 0, 1}[r.IntN(5)])
		}
	default:
		for i := range a {
			a[i] = byte(r.Uint32())
		}
		for i := range b {
			b[i] = int8(r.Uint32())
		}
	}
	aval := func(i, kk int) int64 {
		v := a[i*tc.lda+kk]
		if tc.signedA {
			return int64(int8(v))
		}
		return int64(v)
	}
	bval := func(kk, j int) int64 {
		if tc.transB {
			return int64(b[j*tc.ldb+kk])
		}
		return int64(b[kk*tc.ldb+j])
	}
	want := i8Naive(tc.m, tc.n, tc.k, aval, int64(tc.zero), bval)
	pb := packI8B(kern, name, tc.k, tc.n, b, tc.ldb, tc.transB)
	for j := 0; j < tc.n; j++ {
		var s int64
		for kk := 0; kk < tc.k; kk++ {
			s += bval(kk, j)
		}
		require.Equal(t, int32(s), pb.ColSums()[j])
	}
	const pad = 7
	c := make([]int32, pad+max(0, (tc.m-1)*tc.ldc+tc.n)+pad)
	for i := range c {
		c[i] = i8Guard
	}
	cv := c[pad : len(c)-pad]
	gemmI8(kern, tc.m, a, tc.lda, tc.signedA, tc.zero, pb, cv, tc.ldc, tc.j0, tc.j1)
	for i := range c {
		in := i >= pad && i < len(c)-pad
		row, col := (i-pad)/max(tc.ldc, 1), (i-pad)%max(tc.ldc, 1)
		if in && row < tc.m && col >= tc.j0 && col < tc.j1 {
			if w := int32(want[row*tc.n+col]); c[i] != w {
				t.Fatalf("%s %v: C[%d][%d] = %d, want %d", name, tc, row, col, c[i], w)
			}
			continue
		}
		if c[i] != i8Guard {
			t.Fatalf("%s %v: wrote %d outside C at offset %d (row %d col %d)", name, tc, c[i], i-pad, row, col)
		}
	}
}

var i8Sizes = []int{1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 255, 300}

func i8Cases(r *rand.Rand) []i8Case {
	var cs []i8Case
	add := func(m, n, k int) {
		tc := i8Case{m: m, n: n, k: k, lda: k, ldb: n, ldc: n, j1: n,
			zero: int32(r.IntN(256)), fill: "rand"}
		switch r.IntN(4) {
		case 0: // strided everything
			tc.lda += 1 + r.IntN(9)
			tc.ldc += 1 + r.IntN(9)
			tc.ldb += 1 + r.IntN(5)
		case 1:
			tc.transB = true
			tc.ldb = k + r.IntN(3)
		case 2:
			tc.signedA = true
			tc.zero = int32(r.IntN(256) - 128)
		}
		if r.IntN(5) == 0 && n > 1 {
			tc.j0 = r.IntN(n)
			tc.j1 = tc.j0 + 1 + r.IntN(n-tc.j0)
		}
		cs = append(cs, tc)
	}
	small := []int{1, 3, 8, 17}
	sizes := i8Sizes
	if testing.Short() {
		sizes = []int{1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127}
	}
	for _, s := range sizes {
		for _, o := range small {
			add(s, o, small[r.IntN(len(small))])
			add(o, s, small[r.IntN(len(small))])
			add(small[r.IntN(len(small))], o, s)
		}
	}
	nr := 40
	if testing.Short() {
		nr = 12
	}
	for i := 0; i < nr; i++ {
		add(sizes[r.IntN(len(sizes))], sizes[r.IntN(len(sizes))], sizes[r.IntN(len(sizes))])
	}
	if !testing.Short() {
		add(300, 255, 1100) // K past one cache block
		add(200, 300, 513)
	}
	// Extremes: the largest products in every kernel; K = 1030 sums
	// 1030·255·128 = 33.6M, far from int32 overflow but far past int16.
	for _, f := range []string{"max", "min", "mix"} {
		for _, signed := range []bool{false, true} {
			for _, z := range []int32{0, 255, -128, 127} {
				if !signed && z < 0 || signed && z > 127 {
					continue
				}
				tc := i8Case{m: 9, n: 33, k: 1030, lda: 1030, ldb: 33, ldc: 33, j1: 33,
					signedA: signed, zero: z, fill: f}
				cs = append(cs, tc)
			}
		}
	}
	return cs
}

func TestGemmI8AllImpls(t *testing.T) {
	impls := i8Impls()
	require.NotEmpty(t, impls)
	for _, im := range impls {
		t.Run(im.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(1, 2))
			for _, tc := range i8Cases(r) {
				runI8Case(t, im.name, im.fn, tc, r)
			}
		})
	}
}

// TestGemmI8Dispatch checks the exported functions with the kernel in force
// at every level this CPU supports.
func TestGemmI8Dispatch(t *testing.T) {
	defer restoreLevel(t)()
	r := rand.New(rand.NewPCG(3, 4))
	for _, l := range Supported() {
		require.NoError(t, SetLevel(l))
		m, n, k := 13, 37, 70
		a := make([]uint8, m*k)
		as := make([]int8, m*k)
		b := make([]int8, n*k)
		for i := range a {
			a[i] = uint8(r.Uint32())
			as[i] = int8(a[i] ^ 0x80)
		}
		for i := range b {
			b[i] = int8(r.Uint32())
		}
		pb := PackI8B(k, n, b, k, true)
		require.Equal(t, gemmI8Family.chosen, pb.Kernel())
		require.Equal(t, k, pb.K())
		require.Equal(t, n, pb.N())
		require.Positive(t, pb.Bytes())
		c1 := make([]int32, m*n)
		c2 := make([]int32, m*n)
		GemmU8I8(m, a, k, 100, pb, c1, n)
		// a_s = a_u - 128, so zero 100 for uint8 is zero -28 for int8.
		GemmI8I8(m, as, k, -28, pb, c2, n)
		require.Equal(t, c1, c2)
		want := i8Naive(m, n, k, func(i, kk int) int64 { return int64(a[i*k+kk]) }, 100,
			func(kk, j int) int64 { return int64(b[j*k+kk]) })
		for i := range c1 {
			require.Equal(t, int32(want[i]), c1[i], "level %s", l)
		}
		c3 := make([]int32, m*n)
		GemmU8I8Cols(m, a, k, 100, pb, c3, n, 0, 20)
		GemmU8I8Cols(m, a, k, 100, pb, c3, n, 20, n)
		require.Equal(t, c1, c3)
		clear(c3)
		GemmI8I8Cols(m, as, k, -28, pb, c3, n, 0, n)
		require.Equal(t, c1, c3)
	}
}

// TestGemmI8Concurrent splits one product by columns and rows across
// goroutines sharing one PackedI8B (run with -race).
func TestGemmI8Concurrent(t *testing.T) {
	m, n, k := 40, 200, 96
	r := rand.New(rand.NewPCG(5, 6))
	a := make([]uint8, m*k)
	b := make([]int8, k*n)
	for i := range a {
		a[i] = uint8(r.Uint32())
	}
	for i := range b {
		b[i] = int8(r.Uint32())
	}
	pb := PackI8B(k, n, b, n, false)
	want := make([]int32, m*n)
	GemmU8I8(m, a, k, 7, pb, want, n)
	got := make([]int32, m*n)
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			if w < 2 { // rows [w*20, w*20+20), columns [0, 64)
				GemmU8I8Cols(20, a[w*20*k:], k, 7, pb, got[w*20*n:], n, 0, 64)
			} else { // all rows, half of the remaining columns each
				j0 := 64 + (w-2)*68
				GemmU8I8Cols(m, a, k, 7, pb, got, n, j0, j0+68)
			}
		}(w)
	}
	wg.Wait()
	require.Equal(t, want, got)
}

func TestGemmI8NoAlloc(t *testing.T) {
	m, n, k := 20, 70, 600
	a := make([]uint8, m*k)
	b := make([]int8, k*n)
	pb := PackI8B(k, n, b, n, false)
	c := make([]int32, m*n)
	GemmU8I8(m, a, k, 0, pb, c, n)
	allocs := testing.AllocsPerRun(20, func() { GemmU8I8(m, a, k, 0, pb, c, n) })
	require.Zero(t, allocs)
}

func TestGemmI8Panics(t *testing.T) {
	pb := PackI8B(4, 4, make([]int8, 16), 4, false)
	require.Panics(t, func() { PackI8B(4, 4, make([]int8, 15), 4, false) })
	require.Panics(t, func() { PackI8B(4, 4, make([]int8, 16), 3, true) })
	require.Panics(t, func() { GemmU8I8(2, make([]uint8, 7), 4, 0, pb, make([]int32, 8), 4) })
	require.Panics(t, func() { GemmU8I8(2, make([]uint8, 8), 4, 0, pb, make([]int32, 7), 4) })
	require.Panics(t, func() { GemmU8I8Cols(2, make([]uint8, 8), 4, 0, pb, make([]int32, 8), 4, 3, 2) })
	// Empty shapes are fine.
	GemmU8I8(0, nil, 4, 0, pb, nil, 4)
	pe := PackI8B(0, 3, nil, 3, false)
	c := []int32{9, 9, 9}
	GemmU8I8(1, nil, 0, 5, pe, c, 3)
	require.Equal(t, []int32{0, 0, 0}, c)
}

func BenchmarkGemmI8(b *testing.B) {
	for _, s := range [][3]int{{512, 512, 512}, {1, 1024, 1024}, {8, 512, 512}, {64, 512, 512}, {196, 256, 1152}} {
		m, n, k := s[0], s[1], s[2]
		b.Run(fmt.Sprintf("%dx%dx%d", m, n, k), func(b *testing.B) {
			a := make([]uint8, m*k)
			w := make([]int8, k*n)
			for i := range a {
				a[i] = uint8(i * 7)
			}
			for i := range w {
				w[i] = int8(i * 13)
			}
			pb := PackI8B(k, n, w, n, false)
			c := make([]int32, m*n)
			b.ResetTimer()
			for b.Loop() {
				GemmU8I8(m, a, k, 3, pb, c, n)
			}
			b.ReportMetric(2*float64(m*n*k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GOP/s")
		})
	}
}

// TestGemmI8ExpectedKernel pins the int8 kernels each emulated CPU of the
// QEMU matrix must get (scripts/test-qemu.sh sets EDGERUN_EXPECT_LEVEL).
func TestGemmI8ExpectedKernel(t *testing.T) {
	want := os.Getenv("EDGERUN_EXPECT_LEVEL")
	if want == "" {
		t.Skip("EDGERUN_EXPECT_LEVEL not set (only the QEMU matrix pins a level)")
	}
	gemm := map[string]string{"generic": "generic", "sse4": "generic", "avx2": "avx2",
		"neon": "neon", "dotprod": "dotprod", "i8mm": "i8mm"}
	rq := map[string]string{"generic": "generic", "sse4": "generic", "avx2": "avx2", "avx512": "avx512",
		"neon": "neon", "dotprod": "neon", "i8mm": "neon"}
	if g, ok := gemm[want]; ok {
		require.Equal(t, g, gemmI8Family.chosen)
	}
	require.Equal(t, rq[want], requantFamily.chosen)
}

// BenchmarkGemmI8VsSgemm runs the int8 GEMM and SGEMM (packed weights,
// both single-threaded) on the same shape alternately and reports each
// one's throughput per CPU-second of the benchmark's thread and their
// ratio: the acceptance figure (≥ 2.5× with VNNI, ≥ 1.5× on AVX2; run with
// EDGERUN_SIMD=avx2 for the latter). Per-thread CPU time keeps the ratio
// honest on a shared machine; without it the figures are wall time.
func BenchmarkGemmI8VsSgemm(b *testing.B) {
	for _, s := range [][3]int{{512, 512, 512}} {
		m, n, k := s[0], s[1], s[2]
		b.Run(fmt.Sprintf("%dx%dx%d", m, n, k), func(b *testing.B) {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			a := make([]uint8, m*k)
			w := make([]int8, k*n)
			x := make([]float32, m*k)
			wf := make([]float32, k*n)
			for i := range a {
				a[i] = uint8(i * 7)
				x[i] = float32(a[i]) / 255
			}
			for i := range w {
				w[i] = int8(i * 13)
				wf[i] = float32(w[i]) / 128
			}
			pb := PackI8B(k, n, w, n, false)
			pf := PackB(false, k, n, wf, n)
			c := make([]int32, m*n)
			cf := make([]float32, m*n)
			var ti, tf time.Duration
			clock := func() time.Duration {
				if d, ok := threadCPU(); ok {
					return d
				}
				return time.Duration(time.Now().UnixNano())
			}
			for b.Loop() {
				t0 := clock()
				GemmU8I8(m, a, k, 3, pb, c, n)
				t1 := clock()
				SgemmPacked(false, m, 1, x, k, pf, 0, cf, n, nil)
				t2 := clock()
				ti += t1 - t0
				tf += t2 - t1
			}
			ops := 2 * float64(m*n*k) * float64(b.N)
			b.ReportMetric(ops/ti.Seconds()/1e9, "int8-GOP/cpu-s")
			b.ReportMetric(ops/tf.Seconds()/1e9, "sgemm-GFLOP/cpu-s")
			b.ReportMetric(tf.Seconds()/ti.Seconds(), "ratio")
		})
	}
}
