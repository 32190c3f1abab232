package codec

import (
	"math"
	"slices"
	"sync"

	"github.com/edgerun/edgerun/simd"
)

// The encoder's latent is a step function of the projected coefficient:
// q(v) = round(ToUniform(v)). Every stage of ToUniform rounds a monotone
// function (a division by a positive scale, erf, affine maps), so q is
// non-decreasing over the float32 values, and it is fixed by the 2L values
// (L = 2^(b-1)-1) where it steps up: q(v) = -L + #{thresholds ≤ v}. Those
// thresholds are found once per bit depth by bisection over the float32
// values with the reference computation itself, so Quantize gives exactly
// the bits of ToUniform followed by rounding (TestQuantizeThresholds checks
// it on millions of values and at every threshold) at the cost of two
// table lookups and a comparison instead of a float64 erf per latent, or,
// for most values, of a polynomial (below; TestQuantizeExhaustive checks
// all 2³² float32 values at 8 bits).
//
// The lookup: uniform buckets over the thresholds' span, narrow enough
// that any bucket, as the float32 index computation (v-org)·inv assigns
// values to it, holds at most one threshold; base is q at the bucket's
// first value, and a comparison with the next threshold finishes it.

// quantTable is the threshold form of one bit depth's Quantize.
type quantTable struct {
	// thr[q+L] is the smallest float32 v with q(v) ≥ q, for q in
	// -L+1..L; thr[0] is never read, thr[2L+1] is NaN so that comparisons
	// past the top fail.
	thr   []float32
	l     int
	steps *simd.StepTable // the buckets, for simd.StepLookup
}

// maxQuantBuckets bounds the table: for every bit depth from 2 to 8 the
// thresholds need a few hundred to a few thousand buckets.
const maxQuantBuckets = 1 << 16

var quantTables [9]struct {
	once sync.Once
	t    *quantTable
}

// table returns the threshold table of c's bit depth, built on first use,
// or nil if it cannot be built (then Quantize computes each value).
func (c Compander) table() *quantTable {
	if c.bits < 2 || c.bits >= len(quantTables) {
		return nil // a zero Compander: Quantize computes each value
	}
	e := &quantTables[c.bits]
	e.once.Do(func() { e.t = newQuantTable(c) })
	return e.t
}

// ref is the reference latent of one value: ToUniform, then RoundS8.
func (c Compander) ref(v float32) int8 {
	var u [1]float32
	var q [1]int8
	c.ToUniform(u[:], []float32{v})
	simd.RoundS8(q[:], u[:])
	return q[0]
}

// f32Key maps float32 values other than NaN to integers in the same order.
func f32Key(v float32) int64 {
	b := math.Float32bits(v)
	if b>>31 != 0 {
		return -int64(b &^ (1 << 31))
	}
	return int64(b)
}

// f32FromKey inverts f32Key (key 0 is +0; -0 has no key of its own).
func f32FromKey(k int64) float32 {
	if k < 0 {
		return math.Float32frombits(uint32(-k) | 1<<31)
	}
	return math.Float32frombits(uint32(k))
}

// firstKey returns the smallest key in [lo, hi] for which ok holds, given
// that ok is monotone (false then true) and holds at hi.
func firstKey(lo, hi int64, ok func(int64) bool) int64 {
	for lo < hi {
		mid := lo + (hi-lo)/2
		if ok(mid) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}

func newQuantTable(c Compander) *quantTable {
	l := 1<<(c.bits-1) - 1
	kMin, kMax := f32Key(float32(math.Inf(-1))), f32Key(float32(math.Inf(1)))
	if int(c.ref(float32(math.Inf(-1)))) != -l || int(c.ref(float32(math.Inf(1)))) != l {
		return nil
	}
	t := &quantTable{l: l, thr: make([]float32, 2*l+2)}
	t.thr[0] = float32(math.Inf(-1))
	t.thr[2*l+1] = float32(math.NaN())
	for q := -l + 1; q <= l; q++ {
		k := firstKey(kMin, kMax, func(k int64) bool { return int(c.ref(f32FromKey(k))) >= q })
		t.thr[q+l] = f32FromKey(k)
		if q > -l+1 && !(t.thr[q+l] > t.thr[q+l-1]) {
			return nil
		}
	}
	// count is q(v) from the thresholds alone.
	count := func(v float32) int {
		ts := t.thr[1 : 2*l+1]
		n, _ := slices.BinarySearchFunc(ts, v, func(e, v float32) int {
			if e <= v {
				return -1
			}
			return 1
		})
		return -l + n
	}
	gap := math.Inf(1)
	for i := 2; i <= 2*l; i++ {
		gap = min(gap, float64(t.thr[i])-float64(t.thr[i-1]))
	}
	first, lastThr := float64(t.thr[1]), float64(t.thr[2*l])
	for w := gap / 2; w > 0; w /= 2 {
		nb := int(math.Ceil((lastThr-first)/w)) + 3
		if nb > maxQuantBuckets {
			return nil
		}
		st := &simd.StepTable{Org: float32(first - w), Inv: float32(1 / w), Last: float32(nb - 1), Bias: int32(l),
			Base: make([]int32, nb), Thr: make([]float32, nb)}
		good := true
		// lo is the first key of bucket b; the buckets partition the keys
		// in order because the index is monotone in v.
		lo := kMin
		for b := 0; b < nb && good; b++ {
			hi := kMax
			if b+1 < nb {
				hi = firstKey(lo, kMax, func(k int64) bool { return st.Bucket(f32FromKey(k)) > b })
				if st.Bucket(f32FromKey(hi)) <= b {
					hi = kMax + 1 // no value reaches bucket b+1
				}
			}
			base := count(f32FromKey(lo))
			top := base
			if hi > lo {
				top = count(f32FromKey(hi - 1))
			}
			// The bucket's first step, and the next threshold above it:
			// the bucket holds at most that one.
			st.Base[b], st.Thr[b] = int32(base+l), t.thr[base+l+1]
			good = top-base <= 1
			lo = hi
			if lo > kMax {
				break
			}
		}
		if good {
			st.Approx = newQuantApprox(c, t)
			var err error
			if t.steps, err = simd.NewStepTable(*st); err != nil {
				return nil
			}
			return t
		}
	}
	return nil
}

// The lookups are gathers, which on some CPUs cost several times the rest
// of the work, so the table carries an approximation as well
// (simd.StepApprox): the latent's continuous form M·erf(v/(scale·√2)) as
// one odd polynomial, x·P(x²) with x = v/hi clamped to ±1 and P of degree
// seven, interpolated at Chebyshev nodes in x². Away from the
// half-integers it rounds to (by more than quantEps) it decides the
// latent; near them, where the reference's own float32 rounding matters,
// the value goes to the thresholds. The polynomial is checked against the
// reference computation before use: at 32768 points and at and next to
// every threshold.

// quantEps is the approximation's margin: it must exceed the distance
// between the polynomial and the reference's ToUniform (about 1e-4 at 8
// bits, float32 rounding included); a value within it of a rounding point
// goes to the thresholds, which at this width is about one block of eight
// values in sixty.
const quantEps = 1.0 / 1024

// newQuantApprox fits and checks the polynomial of c's latent, or returns
// nil.
func newQuantApprox(c Compander, t *quantTable) *simd.StepApprox {
	l := float64(t.l)
	m, sigma := float64(c.twoMax)/2, float64(c.scale)*math.Sqrt2
	u := func(y float64) float64 { return m * math.Erf(y/sigma) }
	// The polynomial ends where the latent is l with a quarter to spare;
	// past that the kernels hold its end.
	lo, hi := 0.0, 64*sigma
	for range 100 {
		if mid := (lo + hi) / 2; u(mid) < l-0.25 {
			lo = mid
		} else {
			hi = mid
		}
	}
	const deg = simd.StepApproxDegree
	a := &simd.StepApprox{Inv: float32(1 / hi), Margin: 0.5 - quantEps}
	// P(z) = u(√z·hi)/√z at Chebyshev nodes in z ∈ (0, 1).
	var nodes, vals [deg + 1]float64
	for j := range nodes {
		z := 0.5 + 0.5*math.Cos(float64(2*j+1)*math.Pi/float64(2*(deg+1)))
		nodes[j], vals[j] = z, u(math.Sqrt(z)*hi)/math.Sqrt(z)
	}
	cf, ok := interpolate(nodes, vals)
	if !ok {
		return nil
	}
	for k := range cf {
		a.Coef[k] = float32(cf[deg-k])
	}
	// The polynomial against the reference, at 32768 points a sign,
	// through its float32 ToUniform.
	const n = 32768
	xs := make([]float32, 0, 2*(n+1)) // both signs
	for i := range n {
		xs = append(xs, float32((float64(i)+0.5)*hi/n))
	}
	xs = append(xs, float32(hi))
	for _, x := range xs[:len(xs):len(xs)] {
		xs = append(xs, -x)
	}
	ref := make([]float32, len(xs))
	c.ToUniform(ref, xs)
	for i, v := range xs {
		if !(math.Abs(float64(a.Eval(v))-float64(ref[i])) <= quantEps/2) {
			return nil
		}
	}
	// At and next to every threshold, and at the ends, a decided step is the
	// table's.
	check := []float32{float32(math.Inf(1)), float32(math.Inf(-1)), 0, math.MaxFloat32, -math.MaxFloat32}
	for _, th := range t.thr[1 : 2*t.l+1] {
		check = append(check, th, math.Nextafter32(th, float32(math.Inf(-1))))
	}
	for _, v := range check {
		if q, ok := a.Step(v); ok && q != c.ref(v) {
			return nil
		}
	}
	return a
}

// interpolate returns the coefficients (constant first) of the polynomial
// through (xs[j], ys[j]), by Gaussian elimination on the Vandermonde
// system with partial pivoting; false if it is singular.
func interpolate(xs, ys [simd.StepApproxDegree + 1]float64) ([simd.StepApproxDegree + 1]float64, bool) {
	const n = simd.StepApproxDegree + 1
	var m [n][n + 1]float64
	for i := range n {
		p := 1.0
		for j := range n {
			m[i][j] = p
			p *= xs[i]
		}
		m[i][n] = ys[i]
	}
	for col := range n {
		piv := col
		for r := col + 1; r < n; r++ {
			if math.Abs(m[r][col]) > math.Abs(m[piv][col]) {
				piv = r
			}
		}
		if m[piv][col] == 0 {
			return [n]float64{}, false
		}
		m[col], m[piv] = m[piv], m[col]
		for r := range n {
			if r != col {
				f := m[r][col] / m[col][col]
				for j := col; j <= n; j++ {
					m[r][j] -= f * m[col][j]
				}
			}
		}
	}
	var cf [n]float64
	for i := range n {
		cf[i] = m[i][n] / m[i][i]
	}
	return cf, true
}

// quantize is Quantize through the table.
func (t *quantTable) quantize(dst []int8, src []float32) {
	simd.StepLookup(dst, src, t.steps)
}
