package kern

import (
	"math/rand/v2"
	"testing"
)

// unravel converts a flat row-major index into coordinates of shape.
func unravel(i int, shape []int, idx []int) {
	for d := len(shape) - 1; d >= 0; d-- {
		idx[d] = i % shape[d]
		i /= shape[d]
	}
}

// TestBroadcastRandom compares Binary with per-element index arithmetic on
// random shape pairs, including size-1 runs that merge and rank mismatch.
func TestBroadcastRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	for it := 0; it < 300; it++ {
		rank := 1 + r.IntN(5)
		out := make([]int, rank)
		for i := range out {
			out[i] = 1 + r.IntN(4)
		}
		mk := func() []int {
			s := append([]int(nil), out[r.IntN(rank):]...)
			for i := range s {
				if r.IntN(3) == 0 {
					s[i] = 1
				}
			}
			return s
		}
		sa, sb := mk(), mk()
		bc, err := NewBroadcast(sa, sb)
		if err != nil {
			t.Fatalf("%v %v: %v", sa, sb, err)
		}
		a, b := randSlice(r, sizeOf(sa)), randSlice(r, sizeOf(sb))
		dst := make([]float32, bc.Len())
		Binary(Sub, &bc, dst, a, b)
		shape := bc.Shape()
		idx := make([]int, len(shape))
		at := func(v []float32, s []int) float32 {
			off := 0
			for d, n := range s {
				i := idx[len(shape)-len(s)+d]
				if n == 1 {
					i = 0
				}
				off = off*n + i
			}
			return v[off]
		}
		for i := range dst {
			unravel(i, shape, idx)
			if want := at(a, sa) - at(b, sb); dst[i] != want {
				t.Fatalf("%v - %v: element %d = %v, want %v", sa, sb, i, dst[i], want)
			}
		}
	}
}

// TestSliceRandom compares Slice with a per-element walk of random
// starts, ends and steps (negative ones included).
func TestSliceRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 24))
	for it := 0; it < 300; it++ {
		rank := 1 + r.IntN(4)
		shape := make([]int, rank)
		starts, ends, steps := make([]int, rank), make([]int, rank), make([]int, rank)
		for i := range shape {
			shape[i] = 1 + r.IntN(6)
			starts[i], ends[i] = r.IntN(16)-8, r.IntN(16)-8
			steps[i] = 1 + r.IntN(3)
			if r.IntN(2) == 0 {
				steps[i] = -steps[i]
			}
		}
		s, err := NewSlice(shape, starts, ends, steps)
		if err != nil {
			t.Fatal(err)
		}
		x := randSlice(r, sizeOf(shape))
		dst := make([]float32, s.Len())
		Slice(&s, dst, x)
		// The selected indices per dim, by plain iteration.
		var sel [][]int
		for d := range shape {
			b, e := clampIndex(starts[d], shape[d], steps[d]), clampIndex(ends[d], shape[d], steps[d])
			var ix []int
			for i := b; (steps[d] > 0 && i < e) || (steps[d] < 0 && i > e); i += steps[d] {
				ix = append(ix, i)
			}
			if len(ix) != s.Shape()[d] {
				t.Fatalf("%v[%v:%v:%v]: dim %d has %d elements, want %d", shape, starts, ends, steps, d, s.Shape()[d], len(ix))
			}
			sel = append(sel, ix)
		}
		idx := make([]int, rank)
		for i := range dst {
			unravel(i, s.Shape(), idx)
			off := 0
			for d := range shape {
				off = off*shape[d] + sel[d][idx[d]]
			}
			if dst[i] != x[off] {
				t.Fatalf("%v[%v:%v:%v]: element %d wrong", shape, starts, ends, steps, i)
			}
		}
	}
}
