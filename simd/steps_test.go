package simd

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// Every StepLookup kernel this CPU has gives the Go twin's bits, and the
// twin counts thresholds: on a table built from random sorted thresholds
// (buckets half the smallest gap), for values around every
// threshold, random values, both infinities, NaN and values that saturate.
func TestStepLookup(t *testing.T) {
	r := rand.New(rand.NewPCG(97, 98))
	const nt = 300 // thresholds: steps -150 .. 150 saturate to int8
	ts := make([]float32, nt)
	for i := range ts {
		ts[i] = float32(r.NormFloat64() * 50)
	}
	slices.Sort(ts)
	ts = slices.Compact(ts)
	bias := len(ts) / 2
	count := func(v float32) int { return thresholdCount(ts, v) }
	tab, err := NewStepTable(stepTableFor(ts, bias))
	require.NoError(t, err)
	var vals []float32
	for _, th := range ts {
		vals = append(vals, th, math.Nextafter32(th, -1e30), math.Nextafter32(th, 1e30))
	}
	for range 5000 {
		vals = append(vals, float32(r.NormFloat64()*80))
	}
	vals = append(vals, float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()), 1e30, -1e30, 0)
	want := make([]int8, len(vals))
	for i, v := range vals {
		switch {
		case v != v:
			want[i] = 0
		default:
			want[i] = int8(max(-128, min(127, count(v)-bias)))
		}
	}
	checkStepKernels(t, tab, vals, want)
	_, err = NewStepTable(StepTable{Last: 3, Base: make([]int32, 3), Thr: make([]float32, 3)})
	require.Error(t, err)
	_, err = NewStepTable(StepTable{Last: 1, Base: []int32{0, 2}, Thr: make([]float32, 4)})
	require.Error(t, err)
	require.Panics(t, func() { StepLookup(make([]int8, 1), make([]float32, 2), tab) })
}

// With an approximation, the kernels take the steps it decides and look
// up the rest, and still give the table's steps: a StepApprox of
// g(y) = 1.5y + 0.002y³ up to |y| = 40 (exact but for float32 rounding),
// the table built from g's own rounding points, tested around every point
// (where the margin sends values to the table), on random values and
// where the steps saturate.
func TestStepLookupApprox(t *testing.T) {
	const A, B, H = 1.5, 0.002, 40
	a := &StepApprox{Inv: 1.0 / H, Margin: 0.45}
	a.Coef[StepApproxDegree-1], a.Coef[StepApproxDegree] = B*H*H*H, A*H
	// u64 is u(v) in float64 from the kernels' own coordinate x.
	u64 := func(v float32) float64 {
		y := float64(max(min(v*a.Inv, 1), -1)) * H
		return A*y + B*y*y*y
	}
	step := func(v float32) float64 { return math.RoundToEven(u64(v)) }
	// The thresholds: the least float32 at which each step is reached.
	top := step(float32(math.Inf(1)))
	var ts []float32
	// Keys order the float32 values other than NaN as integers.
	key := func(v float32) int64 {
		b := math.Float32bits(v)
		if b>>31 != 0 {
			return -int64(b &^ (1 << 31))
		}
		return int64(b)
	}
	fromKey := func(k int64) float32 {
		if k < 0 {
			return math.Float32frombits(uint32(-k) | 1<<31)
		}
		return math.Float32frombits(uint32(k))
	}
	for k := -top + 1; k <= top; k++ {
		lo, hi := key(float32(math.Inf(-1))), key(float32(math.Inf(1)))
		for lo < hi {
			mid := lo + (hi-lo)/2
			if step(fromKey(mid)) >= k {
				hi = mid
			} else {
				lo = mid + 1
			}
		}
		ts = append(ts, fromKey(lo))
	}
	bias := int(top)
	st := stepTableFor(ts, bias)
	st.Approx = a
	tab, err := NewStepTable(st)
	require.NoError(t, err)
	r := rand.New(rand.NewPCG(3, 4))
	var vals []float32
	for _, th := range ts {
		v := th
		for range 3 {
			v = math.Nextafter32(v, -1e30)
		}
		for range 7 {
			vals = append(vals, v)
			v = math.Nextafter32(v, 1e30)
		}
	}
	decided := 0
	for range 20000 {
		v := float32(r.NormFloat64() * 20)
		vals = append(vals, v)
		if _, ok := a.Step(v); ok {
			decided++
		}
	}
	require.Greater(t, decided, 20000*9/10, "the approximation decides most values")
	vals = append(vals, float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()), 1e30, -1e30, 0,
		float32(math.Copysign(0, -1)), 39.99, 40, 40.01, -40, 7e-45)
	want := make([]int8, len(vals))
	for i, v := range vals {
		if v == v {
			want[i] = int8(max(-128, min(127, thresholdCount(ts, v)-bias)))
		}
	}
	// Where the margin holds, the approximation's step is the table's.
	for i, v := range vals {
		if q, ok := a.Step(v); ok {
			require.Equal(t, want[i], q, "v=%g", v)
		}
	}
	checkStepKernels(t, tab, vals, want)
	st.Approx = &StepApprox{Inv: 1.0 / H, Margin: 0.5}
	_, err = NewStepTable(st)
	require.Error(t, err)
}

// thresholdCount is #{thresholds ≤ v} over sorted thresholds.
func thresholdCount(ts []float32, v float32) int {
	n, _ := slices.BinarySearchFunc(ts, v, func(e, v float32) int {
		if e <= v {
			return -1
		}
		return 1
	})
	return n
}

// stepTableFor builds the StepTable of the step function
// #{thresholds ≤ v} − bias: buckets half the smallest gap, each bucket's
// base the count at its smallest value (found by a fine sweep).
func stepTableFor(ts []float32, bias int) StepTable {
	count := func(v float32) int { return thresholdCount(ts, v) }
	gap := math.Inf(1)
	for i := 1; i < len(ts); i++ {
		gap = min(gap, float64(ts[i])-float64(ts[i-1]))
	}
	w := gap / 2
	nb := int(math.Ceil((float64(ts[len(ts)-1])-float64(ts[0]))/w)) + 3
	st := StepTable{Org: float32(float64(ts[0]) - w), Inv: float32(1 / w), Last: float32(nb - 1), Bias: int32(bias)}
	st.Base = make([]int32, nb)
	bucket := st.Bucket
	// Base is the count at the bucket's smallest value: sweep finely.
	for b := range st.Base {
		st.Base[b] = math.MaxInt32
	}
	probe := func(v float32) {
		if b := bucket(v); int32(count(v)) < st.Base[b] {
			st.Base[b] = int32(count(v))
		}
	}
	probe(float32(math.Inf(-1)))
	for _, th := range ts {
		for _, v := range []float32{th, math.Nextafter32(th, -1e30), math.Nextafter32(th, 1e30)} {
			probe(v)
		}
	}
	lo, hi := float64(ts[0])-2*w, float64(ts[len(ts)-1])+2*w
	for i := range 1 << 16 {
		probe(float32(lo + (hi-lo)*float64(i)/(1<<16)))
	}
	st.Thr = make([]float32, nb)
	for b := range st.Base {
		if b > 0 && (st.Base[b] == math.MaxInt32 || st.Base[b] < st.Base[b-1]) {
			st.Base[b] = st.Base[b-1]
		}
		// The next threshold, wherever it lies: a bucket holds at most one.
		st.Thr[b] = float32(math.NaN())
		if int(st.Base[b]) < len(ts) {
			st.Thr[b] = ts[st.Base[b]]
		}
	}
	return st
}

// checkStepKernels runs every StepLookup kernel this CPU has on vals, and
// on short tails of them, against want.
func checkStepKernels(t *testing.T, tab *StepTable, vals []float32, want []int8) {
	for _, im := range stepLookupFamily.available() {
		for _, n := range []int{len(vals), len(vals) - 8, 7, 8, 9, 17, 25, 41} {
			t.Run(fmt.Sprintf("%s/%d", im.name, n), func(t *testing.T) {
				saved := stepLookupFn
				stepLookupFn = im.fn
				defer func() { stepLookupFn = saved }()
				got := make([]int8, n+1)
				got[n] = 99
				StepLookup(got[:n], vals[len(vals)-n:], tab)
				require.Equal(t, want[len(vals)-n:], got[:n])
				require.Equal(t, int8(99), got[n])
			})
		}
	}
}
