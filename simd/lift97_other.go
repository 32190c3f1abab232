//go:build !(amd64 || arm64) || noasm || purego

package simd

var (
	lift97StepsArch    []impl[func(lo, hi, e, o []float32, c *[4]float32)]
	lift97RowArch      []impl[func(lo, hi, x, e, o []float32, c *[4]float32)]
	lift97ColArch      []impl[func(lo, hi, x2, x3, x4, d1, s1, d2p []float32, c *[6]float32)]
	lift97ColSegsArch  []impl[func(out, x2, x3, x4, d1, s1, d2p []float32, wo int, c *[2][6]float32)]
	lift97ColSegs3Arch []impl[func(out1, out2, out3, x2, x3, x4, x5, x6, x7, x8, d1, s1, d2p []float32, wo int, c *[2][6]float32)]

	lift97ColSegs3CarryArch []impl[func(out1, out2, out3, x2, x3, x4, x5, x6, x7, x8, d1, s1 []float32, wo int, c *[2][6]float32)]
)
