//go:build !noasm && !purego

package simd

var gatherRowsArch = []impl[func(dst, src []float32, rowOff, colOff []int32, run int)]{
	{name: "avx2", level: AVX2, fn: gatherRowsAVX2Go},
}

// The gathers of convolution panels: runs of one float, eight offsets at a
// time held in registers (single floats move as scalars: VPGATHERDD was
// measured slower, 0.9 against 0.57 ns a float on Zen 4), one run of 16
// (the AVX2 SGEMM panel) unrolled, and runs that are multiples of eight
// (the AVX-512 panel of 32) in 32-byte moves. Other shapes go to the Go
// twin. Arguments are checked by GatherRows.
//
//go:noescape
func gatherRows1x8AVX2(dst, src *float32, rowOff *int32, rows int, colOff *int32, stride int)

//go:noescape
func copyRows16AVX2(dst, src *float32, base int, rowOff *int32, rows int)

//go:noescape
func gatherRows8AVX2(dst, src *float32, rowOff *int32, rows int, colOff *int32, ncol, run int)

func gatherRowsAVX2Go(dst, src []float32, rowOff, colOff []int32, run int) {
	switch {
	case run == 1 && len(colOff)%8 == 0:
		for c := 0; c < len(colOff); c += 8 {
			gatherRows1x8AVX2(&dst[c], &src[0], &rowOff[0], len(rowOff), &colOff[c], 4*len(colOff))
		}
	case run == 16 && len(colOff) == 1:
		copyRows16AVX2(&dst[0], &src[0], int(colOff[0]), &rowOff[0], len(rowOff))
	case run%8 == 0:
		gatherRows8AVX2(&dst[0], &src[0], &rowOff[0], len(rowOff), &colOff[0], len(colOff), run)
	default:
		gatherRowsGeneric(dst, src, rowOff, colOff, run)
	}
}

var gatherBlendArch = []impl[func(dst, src []float32, rowOff []int32, blocks []BlendBlock)]{
	{name: "avx2", level: AVX2, fn: gatherBlendAVX2Go},
}

// gatherBlendAVX2 blends blocks of eight floats from two origins each;
// gatherBlend2AVX2 is it for two blocks (the AVX2 SGEMM panel) with the
// origins and masks in registers.
//
//go:noescape
func gatherBlendAVX2(dst, src *float32, rowOff *int32, rows int, offs *int64, masks *int32, nb int)

//go:noescape
func gatherBlend2AVX2(dst, src *float32, rowOff *int32, rows int, offs *int64, masks *int32)

// gatherBlendAVX2Go turns the blocks into byte offsets and lane masks for
// the kernel; panels of more than four blocks (wider than any SGEMM
// kernel's) go to the Go twin.
func gatherBlendAVX2Go(dst, src []float32, rowOff []int32, blocks []BlendBlock) {
	if len(blocks) > 4 {
		gatherBlendGeneric(dst, src, rowOff, blocks)
		return
	}
	var offs [8]int64
	var masks [32]int32
	for h, b := range blocks {
		offs[2*h], offs[2*h+1] = 4*int64(b.A), 4*int64(b.B)
		for l := b.Split; l < 8; l++ {
			masks[8*int32(h)+l] = -1
		}
	}
	if len(blocks) == 2 {
		gatherBlend2AVX2(&dst[0], &src[0], &rowOff[0], len(rowOff), &offs[0], &masks[0])
		return
	}
	gatherBlendAVX2(&dst[0], &src[0], &rowOff[0], len(rowOff), &offs[0], &masks[0], len(blocks))
}
