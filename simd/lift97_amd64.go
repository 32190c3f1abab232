//go:build !noasm && !purego

package simd

import "unsafe"

var (
	lift97StepsArch = []impl[func(lo, hi, e, o []float32, c *[4]float32)]{
		{name: "avx2", level: AVX2, fn: lift97StepsAVX2Go},
	}
	lift97RowArch = []impl[func(lo, hi, x, e, o []float32, c *[4]float32)]{
		{name: "avx2", level: AVX2, fn: lift97RowAVX2Go},
	}
	lift97ColArch = []impl[func(lo, hi, x2, x3, x4, d1, s1, d2p []float32, c *[6]float32)]{
		{name: "avx2", level: AVX2, fn: lift97ColAVX2Go},
	}
	lift97ColSegsArch = []impl[func(out, x2, x3, x4, d1, s1, d2p []float32, wo int, c *[2][6]float32)]{
		{name: "avx2", level: AVX2, fn: lift97ColSegsAVX2Go},
	}
	lift97ColSegs3Arch = []impl[func(out1, out2, out3, x2, x3, x4, x5, x6, x7, x8, d1, s1, d2p []float32, wo int, c *[2][6]float32)]{
		{name: "avx2", level: AVX2, fn: lift97ColSegs3AVX2Go},
	}
	lift97ColSegs3CarryArch = []impl[func(out1, out2, out3, x2, x3, x4, x5, x6, x7, x8, d1, s1 []float32, wo int, c *[2][6]float32)]{
		{name: "avx2", level: AVX2, fn: lift97ColSegs3CarryAVX2Go},
	}
)

// lift97StepsAVX2 computes blocks of eight outputs, each from five
// overlapping loads of e and four of o (every step's neighbours are
// recomputed rather than shuffled across lanes); the last block overlaps
// its predecessor. n >= 8.
//
//go:noescape
func lift97StepsAVX2(lo, hi, e, o *float32, n int, c *[4]float32)

func lift97StepsAVX2Go(lo, hi, e, o []float32, c *[4]float32) {
	if len(lo) < 8 {
		lift97StepsGeneric(lo, hi, e, o, c)
		return
	}
	lift97StepsAVX2(&lo[0], &hi[0], &e[0], &o[0], len(lo), c)
}

// lift97SplitAVX2 splits a row of 2n samples into e[2:] and o[2:] sixteen
// samples at a time (128-bit loads and in-lane shuffles; the last block
// overlapping its predecessor) and completes the halos. n >= 8.
//
//go:noescape
func lift97SplitAVX2(x, e, o *float32, n int)

func lift97RowAVX2Go(lo, hi, x, e, o []float32, c *[4]float32) {
	if len(lo) < 8 {
		lift97RowGeneric(lo, hi, x, e, o, c)
		return
	}
	lift97SplitAVX2(&x[0], &e[0], &o[0], len(lo))
	lift97StepsAVX2(&lo[0], &hi[0], &e[0], &o[0], len(lo), c)
}

// lift97ColAVX2 runs segs segments of blocks of eight columns, the rows
// running on through them; lo and hi move ostep bytes further each
// segment, and odd segments take their constants calt bytes past c. The
// state rows are updated in place, so columns past the blocks go to the Go
// twin rather than an overlapping block.
//
//go:noescape
func lift97ColAVX2(lo, hi, x2, x3, x4, d1, s1, d2p *float32, blocks, segs, ostep int, c *float32, calt int)

func lift97ColAVX2One(lo, hi, x2, x3, x4, d1, s1, d2p *float32, blocks int, c *[6]float32) {
	lift97ColAVX2(lo, hi, x2, x3, x4, d1, s1, d2p, blocks, 1, 0, &c[0], 0)
}

func lift97ColAVX2Go(lo, hi, x2, x3, x4, d1, s1, d2p []float32, c *[6]float32) {
	lift97ColBlocks(lift97ColAVX2One, 8, lo, hi, x2, x3, x4, d1, s1, d2p, c)
}

func lift97ColSegsAVX2Go(out, x2, x3, x4, d1, s1, d2p []float32, wo int, c *[2][6]float32) {
	if wo%8 != 0 {
		lift97ColSegsBy(lift97ColAVX2Go, out, x2, x3, x4, d1, s1, d2p, wo, c)
		return
	}
	lift97ColAVX2(&out[0], &out[wo], &x2[0], &x3[0], &x4[0], &d1[0], &s1[0], &d2p[0], wo/8, len(x2)/wo, 4*wo, &c[0][0], 24)
}

// lift97Col3AVX2 is lift97ColAVX2 for three output rows, blocks of eight
// columns one at a time: the first row as lift97ColAVX2 writes it, the
// second delta bytes after it, the third 2·delta.
//
//go:noescape
func lift97Col3AVX2(lo, hi, x2, x3, x4, x5, x6, x7, x8, d1, s1, d2p *float32, delta, blocks, segs, ostep int, c *float32, calt int)

func lift97ColSegs3AVX2Go(out1, out2, out3, x2, x3, x4, x5, x6, x7, x8, d1, s1, d2p []float32, wo int, c *[2][6]float32) {
	delta := int(uintptr(unsafe.Pointer(&out2[0])) - uintptr(unsafe.Pointer(&out1[0])))
	if wo%8 != 0 || int(uintptr(unsafe.Pointer(&out3[0]))-uintptr(unsafe.Pointer(&out2[0]))) != delta {
		lift97ColSegs3By(lift97ColSegsAVX2Go, out1, out2, out3, x2, x3, x4, x5, x6, x7, x8, d1, s1, d2p, wo, c)
		return
	}
	lift97Col3AVX2(&out1[0], &out1[wo], &x2[0], &x3[0], &x4[0], &x5[0], &x6[0], &x7[0], &x8[0], &d1[0], &s1[0], &d2p[0],
		delta, wo/8, len(x2)/wo, 4*wo, &c[0][0], 24)
}

func lift97ColSegs3CarryAVX2Go(out1, out2, out3, x2, x3, x4, x5, x6, x7, x8, d1, s1 []float32, wo int, c *[2][6]float32) {
	delta := int(uintptr(unsafe.Pointer(&out2[0])) - uintptr(unsafe.Pointer(&out1[0])))
	if wo%8 != 0 || c[0] != c[1] || int(uintptr(unsafe.Pointer(&out3[0]))-uintptr(unsafe.Pointer(&out2[0]))) != delta {
		lift97ColSegs3CarryBy(lift97ColAVX2Go, out1, out2, out3, x2, x3, x4, x5, x6, x7, x8, d1, s1, wo, c)
		return
	}
	lift97Col3CarryAVX2(&out1[0], &out1[wo], &x2[0], &x3[0], &x4[0], &x5[0], &x6[0], &x7[0], &x8[0], &d1[0], &s1[0],
		delta, wo/8, len(x2)/wo, 4*wo, &c[0][0])
}

// lift97Col3CarryAVX2 is lift97Col3AVX2 for constants whose scales are 1
// and the same in every segment (the projected transform's), with the
// lifting steps of two blocks in each iteration (skewed) and the d2 state
// in the third row's high outputs.
//
//go:noescape
func lift97Col3CarryAVX2(lo, hi, x2, x3, x4, x5, x6, x7, x8, d1, s1 *float32, delta, blocks, segs, ostep int, c *float32)
