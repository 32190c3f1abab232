//go:build !amd64 || noasm || purego

package simd

var (
	lift97SegRowArch []impl[func(lo, hi, x []float32, c *[4]float32)]
	seg8Arch         []impl[func(dst, src []float32, m int)]
	unseg8Arch       []impl[func(dst, src []float32, m int)]
)
