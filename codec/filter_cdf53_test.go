package codec

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestCDF53Known(t *testing.T) {
	// A ramp is predicted exactly: the high band is zero except where the
	// symmetric extension folds the ramp at the right end.
	x := []int32{0, 1, 2, 3, 4, 5, 6, 7}
	lo, hi := make([]int32, 4), make([]int32, 4)
	if err := CDF53Forward(lo, hi, x); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(hi, []int32{0, 0, 0, 1}) || !slices.Equal(lo, []int32{0, 2, 4, 6}) {
		t.Errorf("ramp: lo %v hi %v", lo, hi)
	}
	// A constant stays in the low band.
	c := []int32{5, 5, 5, 5, 5}
	lo, hi = make([]int32, 3), make([]int32, 2)
	_ = CDF53Forward(lo, hi, c)
	if !slices.Equal(lo, []int32{5, 5, 5}) || !slices.Equal(hi, []int32{0, 0}) {
		t.Errorf("constant: lo %v hi %v", lo, hi)
	}
}

func TestCDF53RoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	gen := []func() int32{
		func() int32 { return int32(r.Uint32()) }, // full range: wraps
		func() int32 { return int32(r.IntN(512) - 256) },
		func() int32 { return math.MaxInt32 - int32(r.IntN(3)) },
		func() int32 { return math.MinInt32 + int32(r.IntN(3)) },
	}
	for n := 0; n <= 67; n++ {
		for _, g := range gen {
			x := make([]int32, n)
			for i := range x {
				x[i] = g()
			}
			lo, hi := make([]int32, (n+1)/2), make([]int32, n/2)
			if err := CDF53Forward(lo, hi, x); err != nil {
				t.Fatal(err)
			}
			back := make([]int32, n)
			if err := CDF53Inverse(back, lo, hi); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(back, x) {
				t.Fatalf("n=%d: round trip %v → %v", n, x, back)
			}
		}
	}
	for _, hw := range [][2]int{{1, 1}, {1, 7}, {6, 1}, {5, 9}, {16, 16}, {33, 20}} {
		h, w := hw[0], hw[1]
		for _, g := range gen {
			x := make([]int32, h*w)
			for i := range x {
				x[i] = g()
			}
			y := make([]int32, h*w)
			s := make([]int32, CDF53ScratchLen(h, w))
			if err := CDF53Forward2D(y, x, h, w, s); err != nil {
				t.Fatal(err)
			}
			back := make([]int32, h*w)
			if err := CDF53Inverse2D(back, y, h, w, s); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(back, x) {
				t.Fatalf("%dx%d: 2D round trip failed", h, w)
			}
		}
	}
}

// TestCDF53Smooth checks the 2D band layout: a smooth image leaves its
// energy in LL, whose values track the image.
func TestCDF53Smooth(t *testing.T) {
	h, w := 8, 10
	x := make([]int32, h*w)
	for r := 0; r < h; r++ {
		for c := 0; c < w; c++ {
			x[r*w+c] = int32(100 + 3*r + 2*c)
		}
	}
	y := make([]int32, h*w)
	if err := CDF53Forward2D(y, x, h, w, make([]int32, CDF53ScratchLen(h, w))); err != nil {
		t.Fatal(err)
	}
	b := cdf53Bands(y, h, w)
	if b[0][0] != 100 || b[0][1] != 104 || b[0][5] != 106 {
		t.Errorf("LL starts %v", b[0][:6])
	}
	for k := 1; k < 4; k++ {
		for i, v := range b[k] {
			if v < -4 || v > 4 {
				t.Errorf("band %d coefficient %d = %d on a smooth ramp", k, i, v)
			}
		}
	}
}

func TestCDF53Errors(t *testing.T) {
	x := make([]int32, 9)
	if err := CDF53Forward(make([]int32, 4), make([]int32, 4), x); !errors.Is(err, ErrShape) {
		t.Errorf("short lo: %v", err)
	}
	if err := CDF53Inverse(x, make([]int32, 5), make([]int32, 3)); !errors.Is(err, ErrShape) {
		t.Errorf("short hi: %v", err)
	}
	if err := CDF53Forward2D(x, x, 3, 3, make([]int32, 5)); !errors.Is(err, ErrShape) {
		t.Errorf("short scratch: %v", err)
	}
	if err := CDF53Inverse2D(x, x, 0, 3, nil); !errors.Is(err, ErrShape) {
		t.Errorf("zero height: %v", err)
	}
}
