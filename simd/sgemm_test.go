package simd

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// The float bound of these tests: an element of a float32 product of inner
// length k may differ from the exact value by at most
//
//	(k+4) * 2^-23 * (|alpha|*sum_p |a_ip*b_pj| + |beta*c_ij| + |bias_j|)
//
// which is twice the textbook worst case of recursive float32 summation
// (k*2^-24 of the sum of magnitudes) plus the few roundings of the
// epilogue. A wrong index, a lost or doubled term is off by O(1) of the
// magnitudes and fails it.
func sgemmTol(k int, mag float64) float64 {
	return float64(k+4) * 0x1p-23 * mag
}

const f32Guard = float32(-12345.5)

// forEachSgemm runs f with every SGEMM microkernel this CPU has installed.
func forEachSgemm(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	saved := sgemmKern
	defer func() { sgemmKern = saved }()
	impls := sgemmFamily.available()
	require.NotEmpty(t, impls)
	for _, im := range impls {
		sgemmKern = im.fn
		t.Run(im.name, f)
	}
}

func f32Rand(r *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(r.Float64()*2 - 1)
	}
	return s
}

// TestSgemmMicrokernels checks each assembly microkernel against the Go
// twin of its shape on every row count, with and without beta and bias,
// and that it writes nothing beyond its tile.
func TestSgemmMicrokernels(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, im := range sgemmFamily.available() {
		uk := im.fn
		if uk.kern == nil {
			continue
		}
		t.Run(im.name, func(t *testing.T) {
			mr, nr := uk.mr, uk.nr
			for _, k := range []int{1, 2, 3, 7, 64, 257} {
				a := f32Rand(r, k*mr)
				b := f32Rand(r, k*nr)
				bias := f32Rand(r, nr)
				for rows := 1; rows <= mr; rows++ {
					for _, ab := range [][2]float32{{1, 0}, {-0.75, 0.5}, {2, 1}} {
						for _, withBias := range []bool{false, true} {
							alpha, beta := ab[0], ab[1]
							var bs []float32
							if withBias {
								bs = bias
							}
							ldc := nr + 3
							c0 := make([]float32, rows*ldc+5)
							for i := range c0 {
								c0[i] = f32Guard
							}
							for i := 0; i < rows; i++ {
								for j := 0; j < nr; j++ {
									if beta == 0 {
										c0[i*ldc+j] = float32(math.NaN())
									} else {
										c0[i*ldc+j] = r.Float32()
									}
								}
							}
							got := append([]float32(nil), c0...)
							want := append([]float32(nil), c0...)
							uk.kern(rows, k, a, b, got, ldc, alpha, beta, bs)
							sgemmKernGeneric(mr, nr, rows, k, a, b, want, ldc, alpha, beta, bs)
							for idx := range got {
								i, j := idx/ldc, idx%ldc
								if i >= rows || j >= nr {
									if got[idx] != f32Guard {
										t.Fatalf("k=%d rows=%d: wrote outside the tile at %d", k, rows, idx)
									}
									continue
								}
								mag := 0.0
								for p := 0; p < k; p++ {
									mag += math.Abs(float64(a[p*mr+i]) * float64(b[p*nr+j]))
								}
								mag *= math.Abs(float64(alpha))
								if beta != 0 {
									mag += math.Abs(float64(beta * c0[idx]))
								}
								if withBias {
									mag += math.Abs(float64(bias[j]))
								}
								if d := math.Abs(float64(want[idx]) - float64(got[idx])); !(d <= sgemmTol(k, mag)) {
									t.Fatalf("k=%d rows=%d alpha=%v beta=%v bias=%v: C[%d][%d] = %v, twin %v", k, rows, alpha, beta, withBias, i, j, got[idx], want[idx])
								}
							}
						}
					}
				}
			}
		})
	}
}

// TestSgemmRow4 checks each single-row kernel against its Go twin, and
// that its results equal bit for bit those of the main kernel on the same
// panels, which the driver relies on to keep results independent of how a
// product is split.
func TestSgemmRow4(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	for _, im := range sgemmFamily.available() {
		uk := im.fn
		if uk.row4 == nil {
			continue
		}
		t.Run(im.name, func(t *testing.T) {
			mr, nr := uk.mr, uk.nr
			for _, k := range []int{0, 1, 2, 5, 64, 300} {
				bstride := k*nr + 3*nr // panels apart, NaN in between
				b := make([]float32, 3*bstride+k*nr)
				for i := range b {
					b[i] = float32(math.NaN())
				}
				for q := 0; q < 4; q++ {
					copy(b[q*bstride:], f32Rand(r, k*nr))
				}
				a := f32Rand(r, max(1, k*mr))
				bias := f32Rand(r, 4*nr)
				for _, ab := range [][2]float32{{1, 0}, {-0.75, 0.5}} {
					for _, bs := range [][]float32{nil, bias} {
						alpha, beta := ab[0], ab[1]
						c0 := f32Rand(r, 4*nr+1)
						c0[4*nr] = f32Guard
						if beta == 0 {
							for i := range c0[:4*nr] {
								c0[i] = float32(math.NaN())
							}
						}
						got := append([]float32(nil), c0...)
						want := append([]float32(nil), c0...)
						main := append([]float32(nil), c0...)
						uk.row4(k, a, b, bstride, got, alpha, beta, bs)
						sgemmRow4Generic(mr, nr, k, a, b, bstride, want, alpha, beta, bs)
						for q := 0; q < 4 && k > 0; q++ {
							var bq []float32
							if bs != nil {
								bq = bs[q*nr:]
							}
							uk.kern(1, k, a, b[q*bstride:], main[q*nr:], nr, alpha, beta, bq)
						}
						if k == 0 {
							main = got // the driver never calls kern with k = 0
						}
						require.Equal(t, f32Guard, got[4*nr], "k=%d: wrote past the row", k)
						for j := 0; j < 4*nr; j++ {
							q, jj := j/nr, j%nr
							mag := 0.0
							for p := 0; p < k; p++ {
								mag += math.Abs(float64(a[p*mr]) * float64(b[q*bstride+p*nr+jj]))
							}
							mag *= math.Abs(float64(alpha))
							if beta != 0 {
								mag += math.Abs(float64(beta * c0[j]))
							}
							if bs != nil {
								mag += math.Abs(float64(bs[j]))
							}
							if d := math.Abs(float64(got[j]) - float64(want[j])); !(d <= sgemmTol(k, mag)) {
								t.Fatalf("k=%d alpha=%v beta=%v bias=%v: c[%d] = %v, twin %v", k, alpha, beta, bs != nil, j, got[j], want[j])
							}
							if got[j] != main[j] {
								t.Fatalf("k=%d: c[%d] = %v differs from the main kernel's %v", k, j, got[j], main[j])
							}
						}
					}
				}
			}
		})
	}
}

// sgemmCase is one product with strided, offset sgemmOperands and guard values.
type sgemmCase struct {
	transA, transB bool
	m, n, k        int
	alpha, beta    float32
	bias           bool
}

func (g sgemmCase) String() string {
	return fmt.Sprintf("%dx%dx%d/tA=%v/tB=%v/alpha=%v/beta=%v/bias=%v", g.m, g.n, g.k, g.transA, g.transB, g.alpha, g.beta, g.bias)
}

// sgemmOperands builds op(A), op(B), C with leading dimensions padded by a few
// elements and a one-element offset (unaligned start). Padding in A and B
// holds NaN, so a kernel reading outside its matrix poisons the result;
// padding in C holds f32Guard, which must survive.
type sgemmOperands struct {
	a, b, c, c0, bias []float32
	cHead             []float32 // the element before C
	lda, ldb, ldc     int
}

func newSgemmOperands(r *rand.Rand, g sgemmCase) *sgemmOperands {
	o := &sgemmOperands{}
	ar, ac := g.m, g.k
	if g.transA {
		ar, ac = ac, ar
	}
	br, bc := g.k, g.n
	if g.transB {
		br, bc = bc, br
	}
	o.lda, o.ldb, o.ldc = ac+3, bc+1, g.n+2
	fill := func(rows, cols, ld int, pad float32, val func() float32) []float32 {
		s := make([]float32, 1+rows*ld+2)
		for i := range s {
			s[i] = pad
		}
		for i := 0; i < rows; i++ {
			for j := 0; j < cols; j++ {
				s[1+i*ld+j] = val()
			}
		}
		return s
	}
	nan := float32(math.NaN())
	rnd := func() float32 { return float32(r.Float64()*2 - 1) }
	o.a = fill(ar, ac, o.lda, nan, rnd)[1:]
	o.b = fill(br, bc, o.ldb, nan, rnd)[1:]
	cval := rnd
	if g.beta == 0 {
		cval = func() float32 { return nan }
	}
	full := fill(g.m, g.n, o.ldc, f32Guard, cval)
	o.cHead, o.c = full[:1], full[1:]
	o.c0 = append([]float32(nil), o.c...)
	if g.bias {
		o.bias = f32Rand(r, g.n)
	}
	return o
}

// check compares o.c with a float64 reference and checks the guards.
func (o *sgemmOperands) check(t *testing.T, g sgemmCase, j0, j1 int) {
	t.Helper()
	opA := func(i, p int) float64 {
		if g.transA {
			return float64(o.a[p*o.lda+i])
		}
		return float64(o.a[i*o.lda+p])
	}
	opB := func(p, j int) float64 {
		if g.transB {
			return float64(o.b[j*o.ldb+p])
		}
		return float64(o.b[p*o.ldb+j])
	}
	require.Equal(t, f32Guard, o.cHead[0], "%v: wrote before C", g)
	for idx := range o.c {
		got, c0 := o.c[idx], o.c0[idx]
		i, j := idx/o.ldc, idx%o.ldc
		if i >= g.m || j >= g.n {
			if got != f32Guard {
				t.Fatalf("%v: wrote %v into padding at %d", g, got, idx)
			}
			continue
		}
		if j < j0 || j >= j1 {
			if got != c0 && (got == got || c0 == c0) {
				t.Fatalf("%v: C[%d][%d] outside columns [%d,%d) changed from %v to %v", g, i, j, j0, j1, c0, got)
			}
			continue
		}
		s, mag := 0.0, 0.0
		for p := 0; p < g.k; p++ {
			v := opA(i, p) * opB(p, j)
			s += v
			mag += math.Abs(v)
		}
		want := float64(g.alpha) * s
		mag *= math.Abs(float64(g.alpha))
		if g.beta != 0 {
			want += float64(g.beta) * float64(c0)
			mag += math.Abs(float64(g.beta) * float64(c0))
		}
		if o.bias != nil {
			want += float64(o.bias[j])
			mag += math.Abs(float64(o.bias[j]))
		}
		if math.Abs(float64(got)-want) > sgemmTol(g.k, mag) {
			t.Fatalf("%v: C[%d][%d] = %v, want %v (tolerance %g)", g, i, j, got, want, sgemmTol(g.k, mag))
		}
	}
}

var sgemmSizes = []int{1, 2, 3, 7, 15, 16, 17, 31, 33, 64, 100, 129}

var sgemmAlphaBeta = [][2]float32{{1, 0}, {1, 1}, {-0.5, 0.25}, {2, 0}}

// sgemmCases spreads the size list over M and N, with K, transposes and
// alpha/beta rotating so that every value of each meets many of the others.
func sgemmCases() []sgemmCase {
	var cs []sgemmCase
	for mi, m := range sgemmSizes {
		for ni, n := range sgemmSizes {
			k := sgemmSizes[(mi*5+ni*3)%len(sgemmSizes)]
			tr := (mi + ni) % 4
			ab := sgemmAlphaBeta[(mi+2*ni)%len(sgemmAlphaBeta)]
			cs = append(cs, sgemmCase{transA: tr&1 != 0, transB: tr&2 != 0, m: m, n: n, k: k, alpha: ab[0], beta: ab[1]})
		}
	}
	// K = 0 and the blocking boundaries: K across kc, M across mc, N
	// across nc.
	cs = append(cs,
		sgemmCase{m: 3, n: 5, k: 0, alpha: 1, beta: 0},
		sgemmCase{m: 3, n: 5, k: 0, alpha: 1, beta: 0.5},
		sgemmCase{transB: true, m: 5, n: 40, k: 513, alpha: 1, beta: 0.5},
	)
	if !testing.Short() {
		cs = append(cs,
			sgemmCase{m: 250, n: 530, k: 520, alpha: 1, beta: 0},
			sgemmCase{transA: true, transB: true, m: 245, n: 517, k: 300, alpha: -1, beta: 2},
		)
	}
	return cs
}

func TestSgemm(t *testing.T) {
	forEachSgemm(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(3, 4))
		for _, g := range sgemmCases() {
			o := newSgemmOperands(r, g)
			Sgemm(g.transA, g.transB, g.m, g.n, g.k, g.alpha, o.a, o.lda, o.b, o.ldb, g.beta, o.c, o.ldc)
			o.check(t, g, 0, g.n)
		}
	})
}

func TestSgemmPacked(t *testing.T) {
	forEachSgemm(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(5, 6))
		for ci, g := range sgemmCases() {
			g.bias = ci%2 == 0
			o := newSgemmOperands(r, g)
			pb := PackB(g.transB, g.k, g.n, o.b, o.ldb)
			if ci%2 == 1 {
				// Packing into caller memory gives the same panels.
				arena := make([]float32, PackedBLen(g.k, g.n)+5)
				pb2 := PackBInto(arena[5:], g.transB, g.k, g.n, o.b, o.ldb)
				require.Equal(t, pb.data, pb2.data)
				pb = pb2
			}
			require.Equal(t, g.k, pb.K())
			require.Equal(t, g.n, pb.N())
			require.Equal(t, sgemmKern.nr, pb.PanelWidth())
			if ci%3 == 0 && g.n > 1 {
				// A column range that starts and ends inside panels.
				j0, j1 := g.n/3, g.n-g.n/4
				SgemmPackedRange(g.transA, g.m, j0, j1, g.alpha, o.a, o.lda, pb, g.beta, o.c, o.ldc, o.bias)
				o.check(t, g, j0, j1)
				continue
			}
			SgemmPacked(g.transA, g.m, g.alpha, o.a, o.lda, pb, g.beta, o.c, o.ldc, o.bias)
			o.check(t, g, 0, g.n)
		}
	})
}

// TestSgemmPackedAfterLevelChange uses a PackedB made by one kernel with
// another, as happens when the level is lowered after weights were packed.
func TestSgemmPackedAfterLevelChange(t *testing.T) {
	impls := sgemmFamily.available()
	saved := sgemmKern
	defer func() { sgemmKern = saved }()
	r := rand.New(rand.NewPCG(7, 8))
	g := sgemmCase{m: 19, n: 45, k: 70, alpha: 1, beta: 0, bias: true}
	for _, from := range impls {
		for _, to := range impls {
			o := newSgemmOperands(r, g)
			sgemmKern = from.fn
			pb := PackB(false, g.k, g.n, o.b, o.ldb)
			sgemmKern = to.fn
			SgemmPacked(false, g.m, g.alpha, o.a, o.lda, pb, g.beta, o.c, o.ldc, o.bias)
			o.check(t, g, 0, g.n)
		}
	}
}

// TestSgemmConcurrent splits one product across goroutines by column
// ranges and by row ranges: every element must equal the single call's
// bit for bit, as Sgemm documents, and the packed path the plain one.
func TestSgemmConcurrent(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	m, n, k := 37, 290, 90
	a, b, bias := f32Rand(r, m*k), f32Rand(r, k*n), f32Rand(r, n)
	pb := PackB(false, k, n, b, n)
	want := make([]float32, m*n)
	SgemmPacked(false, m, 1, a, k, pb, 0, want, n, bias)
	want2 := make([]float32, m*n)
	Sgemm(false, false, m, n, k, 1, a, k, b, n, 0, want2, n)
	want3 := make([]float32, m*n)
	SgemmPacked(false, m, 1, a, k, pb, 0, want3, n, nil)
	require.Equal(t, want2, want3)

	got := make([]float32, m*n)
	got2 := make([]float32, m*n)
	var wg sync.WaitGroup
	w := pb.PanelWidth()
	for j0 := 0; j0 < n; j0 += w {
		wg.Add(1)
		go func(j0 int) {
			defer wg.Done()
			SgemmPackedRange(false, m, j0, min(j0+w, n), 1, a, k, pb, 0, got, n, bias)
		}(j0)
	}
	got3 := make([]float32, m*n)
	for i0 := 0; i0 < m; i0++ {
		// One row per call: the single-row kernel against the main one.
		wg.Add(1)
		go func(i0 int) {
			defer wg.Done()
			SgemmPacked(false, 1, 1, a[i0*k:], k, pb, 0, got3[i0*n:], n, bias)
		}(i0)
	}
	for i0 := 0; i0 < m; i0 += 5 {
		wg.Add(1)
		go func(i0 int) {
			defer wg.Done()
			i1 := min(i0+5, m)
			Sgemm(false, false, i1-i0, n, k, 1, a[i0*k:], k, b, n, 0, got2[i0*n:], n)
		}(i0)
	}
	wg.Wait()
	require.Equal(t, want, got)
	require.Equal(t, want2, got2)
	require.Equal(t, want, got3)
}

func TestSgemmNoAllocs(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	m, n, k := 20, 70, 300
	a, b, c, bias := f32Rand(r, m*k), f32Rand(r, k*n), make([]float32, m*n), f32Rand(r, n)
	forEachSgemm(t, func(t *testing.T) {
		pb := PackB(true, k, n, b, k)
		w := NewSgemmWorkspace()
		w.Sgemm(false, true, m, n, k, 1, a, k, b, k, 0, c, n)
		allocs := testing.AllocsPerRun(5, func() {
			w.Sgemm(false, true, m, n, k, 1, a, k, b, k, 0, c, n)
			w.SgemmPacked(false, m, 1, a, k, pb, 0, c, n, bias)
			w.SgemmPackedRange(true, 7, 3, 50, 1, a, m, pb, 1, c, n, nil)
		})
		require.Zero(t, allocs, "with a workspace")
		allocs = testing.AllocsPerRun(5, func() {
			Sgemm(false, true, m, n, k, 1, a, k, b, k, 0, c, n)
			SgemmPacked(false, m, 1, a, k, pb, 0, c, n, bias)
		})
		require.Zero(t, allocs, "with the pool")
	})
}

func TestSgemmArgumentChecks(t *testing.T) {
	a := make([]float32, 12)
	require.PanicsWithValue(t, "simd: sgemm: A has 12 elements, needs 15", func() {
		Sgemm(false, false, 3, 2, 5, 1, a, 5, a, 2, 0, a, 2)
	})
	require.Panics(t, func() { Sgemm(false, false, -1, 2, 2, 1, a, 2, a, 2, 0, a, 2) })
	require.Panics(t, func() { Sgemm(false, false, 2, 2, 3, 1, a, 2, a, 2, 0, a, 2) }) // lda < k
	pb := PackB(false, 3, 4, a, 4)
	require.Panics(t, func() { PackBInto(make([]float32, PackedBLen(3, 4)-1), false, 3, 4, a, 4) })
	require.Panics(t, func() { SgemmPackedRange(false, 1, 2, 5, 1, a, 3, pb, 0, a, 4, nil) })
	require.Panics(t, func() { SgemmPacked(false, 1, 1, a, 3, pb, 0, a, 4, a[:3]) })
	// alpha = 0 reads neither A nor B (NaN there must not leak into C).
	nan := float32(math.NaN())
	x := []float32{nan, nan, nan, nan}
	c := []float32{1, 2, 3, 4}
	Sgemm(false, false, 2, 2, 2, 0, x, 2, x, 2, 0.5, c, 2)
	require.Equal(t, []float32{0.5, 1, 1.5, 2}, c)
	SgemmPacked(false, 2, 0, x, 2, PackB(false, 2, 2, x, 2), 0, c, 2, []float32{1, -1})
	require.Equal(t, []float32{1, -1, 1, -1}, c)
	// Zero-sized products touch nothing.
	Sgemm(false, false, 0, 0, 0, 1, nil, 1, nil, 1, 0, nil, 1)
}

var sgemmBenchShapes = [][3]int{
	{64, 64, 64}, {128, 128, 128}, {256, 256, 256}, {512, 512, 512},
	// Dense layers: batch × out × in.
	{1, 512, 512}, {1, 1024, 1024}, {8, 512, 512}, {64, 1024, 256},
	// A 3x3 convolution lowered by im2col: 32×32 outputs, 64→64 channels.
	{1024, 64, 576},
}

// BenchmarkSgemm times Sgemm (B packed inside the call, like a BLAS sgemm)
// on cubes and on dense and convolution shapes, MxNxK.
func BenchmarkSgemm(b *testing.B) {
	for _, s := range sgemmBenchShapes {
		m, n, k := s[0], s[1], s[2]
		b.Run(fmt.Sprintf("%dx%dx%d", m, n, k), func(b *testing.B) {
			r := rand.New(rand.NewPCG(1, 1))
			x, w, c := f32Rand(r, m*k), f32Rand(r, k*n), make([]float32, m*n)
			b.ResetTimer()
			for b.Loop() {
				Sgemm(false, false, m, n, k, 1, x, k, w, n, 0, c, n)
			}
			b.ReportMetric(2*float64(m*n*k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// BenchmarkSgemmPacked times the pre-packed weight path with a fused bias.
func BenchmarkSgemmPacked(b *testing.B) {
	for _, s := range sgemmBenchShapes {
		m, n, k := s[0], s[1], s[2]
		b.Run(fmt.Sprintf("%dx%dx%d", m, n, k), func(b *testing.B) {
			r := rand.New(rand.NewPCG(1, 1))
			x, w, c, bias := f32Rand(r, m*k), f32Rand(r, n*k), make([]float32, m*n), f32Rand(r, n)
			pb := PackB(true, k, n, w, k)
			b.ResetTimer()
			for b.Loop() {
				SgemmPacked(false, m, 1, x, k, pb, 0, c, n, bias)
			}
			b.ReportMetric(2*float64(m*n*k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// FuzzSgemm runs every kernel on fuzzed shapes, transposes, scalars and
// column ranges, plain and pre-packed, against the float64 reference.
func FuzzSgemm(f *testing.F) {
	f.Add(uint8(1), uint8(1), uint8(1), uint8(0), uint8(0), uint8(0), uint64(1))
	f.Add(uint8(13), uint8(33), uint8(17), uint8(0xff), uint8(5), uint8(9), uint64(2))
	f.Add(uint8(24), uint8(64), uint8(0), uint8(0x0c), uint8(60), uint8(3), uint64(3))
	f.Fuzz(func(t *testing.T, m, n, k, flags, j0, jlen uint8, seed uint64) {
		g := sgemmCase{
			transA: flags&1 != 0, transB: flags&2 != 0,
			m: int(m % 80), n: int(n % 80), k: int(k%200) + int(flags>>7)*300,
			bias: flags&4 != 0,
		}
		ab := sgemmAlphaBeta[int(flags>>3)%len(sgemmAlphaBeta)]
		g.alpha, g.beta = ab[0], ab[1]
		packed := flags&32 != 0 || g.bias
		lo := 0
		hi := g.n
		if packed && g.n > 0 {
			lo = int(j0) % g.n
			hi = lo + int(jlen)%(g.n-lo+1)
		}
		saved := sgemmKern
		defer func() { sgemmKern = saved }()
		for _, im := range sgemmFamily.available() {
			sgemmKern = im.fn
			r := rand.New(rand.NewPCG(seed, 7))
			o := newSgemmOperands(r, g)
			if packed {
				pb := PackB(g.transB, g.k, g.n, o.b, o.ldb)
				SgemmPackedRange(g.transA, g.m, lo, hi, g.alpha, o.a, o.lda, pb, g.beta, o.c, o.ldc, o.bias)
			} else {
				Sgemm(g.transA, g.transB, g.m, g.n, g.k, g.alpha, o.a, o.lda, o.b, o.ldb, g.beta, o.c, o.ldc)
			}
			o.check(t, g, lo, hi)
		}
	})
}
