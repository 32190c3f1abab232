package simd

import (
	"encoding/binary"
	"math"
	"testing"
)

// FuzzGemmI8 runs every int8 GEMM kernel on shapes and data drawn from the
// input and requires the int64 reference result from each.
func FuzzGemmI8(f *testing.F) {
	f.Add(uint8(3), uint8(17), uint16(33), uint8(5), false, false, []byte{0, 255, 128, 1, 7})
	f.Add(uint8(9), uint8(40), uint16(600), uint8(255), true, true, []byte{0x80, 0x7f})
	f.Fuzz(func(t *testing.T, m8, n8 uint8, k16 uint16, zero uint8, transB, signedA bool, data []byte) {
		m, n, k := int(m8%40)+1, int(n8%80)+1, int(k16%700)+1
		if len(data) == 0 {
			data = []byte{0}
		}
		a := make([]byte, m*k)
		for i := range a {
			a[i] = data[i%len(data)] ^ byte(i/len(data))
		}
		b := make([]int8, k*n)
		for i := range b {
			b[i] = int8(data[(i*7+3)%len(data)] + byte(i/len(data)))
		}
		z := int32(zero)
		if signedA {
			z -= 128
		}
		ldb := n
		if transB {
			ldb = k
		}
		bval := func(kk, j int) int64 {
			if transB {
				return int64(b[j*ldb+kk])
			}
			return int64(b[kk*ldb+j])
		}
		want := i8Naive(m, n, k, func(i, kk int) int64 {
			if signedA {
				return int64(int8(a[i*k+kk]))
			}
			return int64(a[i*k+kk])
		}, int64(z), bval)
		c := make([]int32, m*n)
		for _, im := range i8Impls() {
			pb := packI8B(im.fn, im.name, k, n, b, ldb, transB)
			gemmI8(im.fn, m, a, k, signedA, z, pb, c, n, 0, n)
			for i, w := range want {
				if c[i] != int32(w) {
					t.Fatalf("%s: %dx%dx%d element %d = %d, want %d", im.name, m, n, k, i, c[i], w)
				}
			}
		}
	})
}

// FuzzRequant runs every requantisation kernel on accumulators and a scale
// drawn from the input and requires the float64 reference result.
func FuzzRequant(f *testing.F) {
	f.Add(uint32(0x3f000000), int32(3), false, false, []byte{1, 2, 3, 4, 5, 6, 7, 8, 9})
	f.Add(uint32(0x7fc00000), int32(-128), true, true, []byte{0xff, 0xff, 0xff, 0x7f})
	f.Fuzz(func(t *testing.T, scaleBits uint32, zero int32, unsigned, relu bool, data []byte) {
		n := len(data) / 4
		if n == 0 {
			return
		}
		c := make([]int32, n)
		for i := range c {
			c[i] = int32(binary.LittleEndian.Uint32(data[4*i:]))
		}
		lo, hi := int32(-128), int32(127)
		if unsigned {
			lo, hi = 0, 255
		}
		zero = lo + int32(uint32(zero)%uint32(hi-lo+1))
		scale := math.Float32frombits(scaleBits)
		p := &Requant{Scale: []float32{scale}, Zero: zero, ReLU: relu}
		rlo := lo
		if relu {
			rlo = zero
		}
		dst := make([]byte, n)
		for _, im := range requantFamily.available() {
			requant(im.fn, 1, n, c, n, p, lo, hi, dst, n)
			for j := range dst {
				got := int32(int8(dst[j]))
				if unsigned {
					got = int32(dst[j])
				}
				if want := requantRef(c[j], 0, scale, zero, rlo, hi); got != want {
					t.Fatalf("%s: acc %d scale %g zero %d: got %d want %d", im.name, c[j], scale, zero, got, want)
				}
			}
		}
	})
}
