package simd

import (
	"math"
	"unsafe"
)

func requantGeneric(n int, c, bias *int32, scale *float32, k *rqConst, dst *byte) {
	cs := unsafe.Slice(c, n)
	bs := unsafe.Slice(bias, n)
	ss := unsafe.Slice(scale, n)
	ds := unsafe.Slice(dst, n)
	for j := range ds {
		// The explicit conversion forbids fusing the product into anything.
		v := float32(float32(cs[j]+bs[j]) * ss[j])
		// Written so that NaN takes the lower bound, as the vector max does.
		if !(v >= k.lo) {
			v = k.lo
		}
		if v > k.hi {
			v = k.hi
		}
		ds[j] = byte(int32(math.RoundToEven(float64(v))) + k.zero)
	}
}
