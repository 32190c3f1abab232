//go:build !noasm && !purego

package simd

var (
	lift97StepsArch []impl[func(lo, hi, e, o []float32, c *[4]float32)]
	lift97RowArch   = []impl[func(lo, hi, x, e, o []float32, c *[4]float32)]{
		{name: "neon", level: NEON, fn: lift97RowNEONGo},
	}
	lift97ColArch = []impl[func(lo, hi, x2, x3, x4, d1, s1, d2p []float32, c *[6]float32)]{
		{name: "neon", level: NEON, fn: lift97ColNEONGo},
	}
)

// lift97RowNEON splits the row with de-interleaving loads (the last block
// overlapping its predecessor), completes the halos and runs the steps on
// blocks of four outputs, each from overlapping loads. n >= 4.
//
//go:noescape
func lift97RowNEON(lo, hi, x, e, o *float32, n int, c *[4]float32)

func lift97RowNEONGo(lo, hi, x, e, o []float32, c *[4]float32) {
	if len(lo) < 4 {
		lift97RowGeneric(lo, hi, x, e, o, c)
		return
	}
	lift97RowNEON(&lo[0], &hi[0], &x[0], &e[0], &o[0], len(lo), c)
}

// lift97ColNEON runs blocks of four columns; the state rows are updated in
// place, so the last few columns go to the Go twin.
//
//go:noescape
func lift97ColNEON(lo, hi, x2, x3, x4, d1, s1, d2p *float32, blocks int, c *[6]float32)

func lift97ColNEONGo(lo, hi, x2, x3, x4, d1, s1, d2p []float32, c *[6]float32) {
	nb := len(lo) / 4
	if nb > 0 {
		lift97ColNEON(&lo[0], &hi[0], &x2[0], &x3[0], &x4[0], &d1[0], &s1[0], &d2p[0], nb, c)
	}
	if t := 4 * nb; t < len(lo) {
		lift97ColGeneric(lo[t:], hi[t:], x2[t:], x3[t:], x4[t:], d1[t:], s1[t:], d2p[t:], c)
	}
}
