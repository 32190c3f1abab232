package simd

import (
	"math"
	"math/rand/v2"
	"testing"
)

// testLens are the slice lengths every elementwise kernel is checked at:
// every length up to past two AVX-512 blocks, then a few large odd ones.
func testLens() []int {
	var l []int
	for n := 0; n <= 130; n++ {
		l = append(l, n)
	}
	l = append(l, 1000, 4099)
	if !testing.Short() {
		l = append(l, 65537)
	}
	return l
}

const guardSlack = 9

// guarded returns a buffer filled with guard and the n-element window of it
// starting at off; checkGuard later proves nothing outside was written.
func guarded[T any](n, off int, guard T) (full, s []T) {
	full = make([]T, off+n+guardSlack)
	for i := range full {
		full[i] = guard
	}
	return full, full[off : off+n]
}

func checkGuard[T comparable](t *testing.T, what string, full []T, off, n int, guard T) {
	t.Helper()
	for i, v := range full {
		if (i < off || i >= off+n) && !eqBits(v, guard) {
			t.Fatalf("%s: wrote %v at %d outside [%d,%d)", what, v, i, off, off+n)
		}
	}
}

// f32Specials are float32 values every elementwise kernel must survive.
var f32Specials = []float32{
	0, float32(math.Copysign(0, -1)), 1, -1, 0.5, -0.5,
	float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()),
	math.Float32frombits(0xffc00001), math.Float32frombits(0x7f800001), // negative quiet and signalling NaN
	math.MaxFloat32, -math.MaxFloat32, math.SmallestNonzeroFloat32, -math.SmallestNonzeroFloat32,
	0x1p-126, -0x1p-126, 0x1p-127, 1e-30, -1e-30, 1e-7, -1e-7, 1e30, -1e30,
	88.7, 88.73, 89, -87.3, -103.9, -104, -150, 20, -20, 10, -10, 5.5, -5.5, 14, -14, 14.5, -14.5, 40, -40,
	126.5, 127.5, -128.5, -127.5, 2.5, -2.5, 3.5, 0.49999997, -0.49999997, 1e10, -1e10,
}

// randF32 mixes uniformly random bit patterns with values in [-lim, lim].
func randF32(r *rand.Rand, n int, lim float32) []float32 {
	v := make([]float32, n)
	for i := range v {
		switch i % 4 {
		case 0:
			v[i] = math.Float32frombits(r.Uint32())
		default:
			v[i] = (2*r.Float32() - 1) * lim
		}
	}
	return v
}

// eqBits compares by bit pattern for float32 (so NaN guards work) and by
// value otherwise.
func eqBits[T comparable](a, b T) bool {
	if fa, ok := any(a).(float32); ok {
		return math.Float32bits(fa) == math.Float32bits(any(b).(float32))
	}
	return a == b
}
