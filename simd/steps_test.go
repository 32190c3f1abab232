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
	gap := math.Inf(1)
	for i := 1; i < len(ts); i++ {
		gap = min(gap, float64(ts[i])-float64(ts[i-1]))
	}
	bias := len(ts) / 2
	// steps(v) = #{thresholds ≤ v} - bias
	count := func(v float32) int {
		n, _ := slices.BinarySearchFunc(ts, v, func(e, v float32) int {
			if e <= v {
				return -1
			}
			return 1
		})
		return n
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
	tab, err := NewStepTable(st)
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
	for _, im := range stepLookupFamily.available() {
		for _, n := range []int{len(vals), 7, 8, 9, 17} {
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
	_, err = NewStepTable(StepTable{Last: 3, Base: make([]int32, 3), Thr: make([]float32, 3)})
	require.Error(t, err)
	_, err = NewStepTable(StepTable{Last: 1, Base: []int32{0, 2}, Thr: make([]float32, 4)})
	require.Error(t, err)
	require.Panics(t, func() { StepLookup(make([]int8, 1), make([]float32, 2), tab) })
}
