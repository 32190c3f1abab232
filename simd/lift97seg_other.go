//go:build !(amd64 || arm64) || noasm || purego

package simd

var (
	lift97SegRowsArch []impl[func(dst, src []float32, w int, c *[4]float32)]
	seg8Arch          []impl[func(dst, src []float32, m int)]
	unseg8Arch        []impl[func(dst, src []float32, m, rows int)]
)
