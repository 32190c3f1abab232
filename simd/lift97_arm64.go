//go:build !noasm && !purego

package simd

var (
	lift97StepsArch = []impl[func(lo, hi, e, o []float32, c *[4]float32)]{
		{name: "neon", level: NEON, fn: lift97StepsNEONGo},
	}
	lift97RowArch = []impl[func(lo, hi, x, e, o []float32, c *[4]float32)]{
		{name: "neon", level: NEON, fn: lift97RowNEONGo},
	}
	lift97ColArch = []impl[func(lo, hi, x2, x3, x4, d1, s1, d2p []float32, c *[6]float32)]{
		{name: "neon", level: NEON, fn: lift97ColNEONGo},
	}
	lift97ColSegsArch = []impl[func(out, x2, x3, x4, d1, s1, d2p []float32, wo int, c *[2][6]float32)]{
		{name: "neon", level: NEON, fn: lift97ColSegsNEONGo},
	}
	lift97ColSegs3Arch = []impl[func(out1, out2, out3, x2, x3, x4, x5, x6, x7, x8, d1, s1, d2p []float32, wo int, c *[2][6]float32)]{
		{name: "neon", level: NEON, fn: lift97ColSegs3NEONGo},
	}
	lift97ColSegs3CarryArch = []impl[func(out1, out2, out3, x2, x3, x4, x5, x6, x7, x8, d1, s1 []float32, wo int, c *[2][6]float32)]{
		{name: "neon", level: NEON, fn: lift97ColSegs3CarryNEONGo},
	}
)

// lift97SplitNEON splits a row of 2n samples into e[2:] and o[2:] with
// de-interleaving loads (the last block overlapping its predecessor) and
// completes the halos. n >= 4.
//
//go:noescape
func lift97SplitNEON(x, e, o *float32, n int)

// lift97StepsNEON runs the steps on blocks of four outputs, each from
// overlapping loads; the last block overlaps its predecessor. n >= 4.
//
//go:noescape
func lift97StepsNEON(lo, hi, e, o *float32, n int, c *[4]float32)

func lift97StepsNEONGo(lo, hi, e, o []float32, c *[4]float32) {
	if len(lo) < 4 {
		lift97StepsGeneric(lo, hi, e, o, c)
		return
	}
	lift97StepsNEON(&lo[0], &hi[0], &e[0], &o[0], len(lo), c)
}

func lift97RowNEONGo(lo, hi, x, e, o []float32, c *[4]float32) {
	if len(lo) < 4 {
		lift97RowGeneric(lo, hi, x, e, o, c)
		return
	}
	lift97SplitNEON(&x[0], &e[0], &o[0], len(lo))
	lift97StepsNEON(&lo[0], &hi[0], &e[0], &o[0], len(lo), c)
}

// lift97ColNEON runs blocks of four columns; the state rows are updated in
// place, so the last few columns go to the Go twin.
//
//go:noescape
func lift97ColNEON(lo, hi, x2, x3, x4, d1, s1, d2p *float32, blocks int, c *[6]float32)

func lift97ColNEONGo(lo, hi, x2, x3, x4, d1, s1, d2p []float32, c *[6]float32) {
	lift97ColBlocks(lift97ColNEON, 4, lo, hi, x2, x3, x4, d1, s1, d2p, c)
}

func lift97ColSegsNEONGo(out, x2, x3, x4, d1, s1, d2p []float32, wo int, c *[2][6]float32) {
	lift97ColSegsBy(lift97ColNEONGo, out, x2, x3, x4, d1, s1, d2p, wo, c)
}

// lift97ColSegs3CarryNEONGo runs the one-row kernel, which reads each
// block's d2p before it writes the block's high outputs.
func lift97ColSegs3CarryNEONGo(out1, out2, out3, x2, x3, x4, x5, x6, x7, x8, d1, s1 []float32, wo int, c *[2][6]float32) {
	lift97ColSegs3CarryBy(lift97ColNEONGo, out1, out2, out3, x2, x3, x4, x5, x6, x7, x8, d1, s1, wo, c)
}

func lift97ColSegs3NEONGo(out1, out2, out3, x2, x3, x4, x5, x6, x7, x8, d1, s1, d2p []float32, wo int, c *[2][6]float32) {
	lift97ColSegs3By(lift97ColSegsNEONGo, out1, out2, out3, x2, x3, x4, x5, x6, x7, x8, d1, s1, d2p, wo, c)
}
