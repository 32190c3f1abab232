package codec

import "fmt"

// The reversible integer CDF 5/3 wavelet of JPEG 2000 (ITU-T T.800 Annex F),
// computed by lifting with whole-sample symmetric extension:
//
//	hi[i] = x[2i+1] − ⌊(x[2i] + x[2i+2]) / 2⌋
//	lo[i] = x[2i]   + ⌊(hi[i−1] + hi[i] + 2) / 4⌋
//
// A signal of n samples gives ⌈n/2⌉ low and ⌊n/2⌋ high coefficients, and the
// inverse returns the input bit for bit. The sums are formed in 64 bits and
// the updates wrap modulo 2^32, so the transform is a bijection on all
// int32 data; for |x| < 2^29 nothing wraps and the coefficients are the
// standard 5/3 ones. It has its own API because it works on integers
// (lossless coding of sensor samples), not through Filter.

// cdf53Predict is ⌊(a+b)/2⌋ truncated to 32 bits.
func cdf53Predict(a, b int32) int32 { return int32((int64(a) + int64(b)) >> 1) }

// cdf53Update is ⌊(a+b+2)/4⌋ truncated to 32 bits.
func cdf53Update(a, b int32) int32 { return int32((int64(a) + int64(b) + 2) >> 2) }

// CDF53Forward splits x into lo (len (n+1)/2) and hi (len n/2).
func CDF53Forward(lo, hi, x []int32) error {
	n := len(x)
	nl, nh := (n+1)/2, n/2
	if len(lo) < nl || len(hi) < nh {
		return fmt.Errorf("%w: CDF53Forward of %d samples needs lo %d, hi %d; have %d, %d", ErrShape, n, nl, nh, len(lo), len(hi))
	}
	lo, hi = lo[:nl], hi[:nh]
	for i := range hi {
		right := 2*i + 2
		if right >= n {
			right = 2 * i // x[n] mirrors to x[n-2]
		}
		hi[i] = x[2*i+1] - cdf53Predict(x[2*i], x[right])
	}
	for i := range lo {
		lo[i] = x[2*i] + cdf53Update(cdf53HiAt(hi, i-1), cdf53HiAt(hi, i))
	}
	return nil
}

// cdf53HiAt reads hi with the symmetric extension lifting needs: hi[-1] is
// hi[0] and a missing last one repeats hi[nh-1]. A one-sample signal has no
// high band and is left unchanged.
func cdf53HiAt(hi []int32, i int) int32 {
	switch {
	case len(hi) == 0:
		return -1 // ⌊(-1 + -1 + 2)/4⌋ = 0: no update
	case i < 0:
		return hi[0]
	case i >= len(hi):
		return hi[len(hi)-1]
	}
	return hi[i]
}

// CDF53Inverse rebuilds x from lo and hi, exactly inverting CDF53Forward.
func CDF53Inverse(x, lo, hi []int32) error {
	n := len(x)
	nl, nh := (n+1)/2, n/2
	if len(lo) < nl || len(hi) < nh {
		return fmt.Errorf("%w: CDF53Inverse of %d samples needs lo %d, hi %d; have %d, %d", ErrShape, n, nl, nh, len(lo), len(hi))
	}
	lo, hi = lo[:nl], hi[:nh]
	for i := range lo {
		x[2*i] = lo[i] - cdf53Update(cdf53HiAt(hi, i-1), cdf53HiAt(hi, i))
	}
	for i := range hi {
		right := 2*i + 2
		if right >= n {
			right = 2 * i
		}
		x[2*i+1] = hi[i] + cdf53Predict(x[2*i], x[right])
	}
	return nil
}

// CDF53ScratchLen is the scratch (in int32s) CDF53Forward2D and
// CDF53Inverse2D need for an h×w plane.
func CDF53ScratchLen(h, w int) int { return h*w + 2*h }

// CDF53Forward2D transforms one h×w plane (rows first, then columns) into
// dst as four consecutive bands LL (⌈h/2⌉×⌈w/2⌉), LH (⌊h/2⌋×⌈w/2⌉: low
// along rows, high along columns), HL (⌈h/2⌉×⌊w/2⌋) and HH (⌊h/2⌋×⌊w/2⌋),
// h·w values in all.
func CDF53Forward2D(dst, src []int32, h, w int, scratch []int32) error {
	if err := cdf53Check2D("CDF53Forward2D", dst, src, h, w, scratch); err != nil {
		return err
	}
	wl, wh, hl, hh := (w+1)/2, w/2, (h+1)/2, h/2
	tmp := scratch[:h*w]
	col, cl := scratch[h*w:h*w+h], scratch[h*w+h:h*w+2*h]
	for r := 0; r < h; r++ {
		row := tmp[r*w : (r+1)*w]
		_ = CDF53Forward(row[:wl], row[wl:], src[r*w:(r+1)*w])
	}
	bands := cdf53Bands(dst, h, w)
	for c := 0; c < w; c++ {
		for r := 0; r < h; r++ {
			col[r] = tmp[r*w+c]
		}
		_ = CDF53Forward(cl[:hl], cl[hl:h], col)
		lo, hi, bw, bc := bands[0], bands[1], wl, c // row-lo half: LL, LH
		if c >= wl {
			lo, hi, bw, bc = bands[2], bands[3], wh, c-wl // row-hi half: HL, HH
		}
		for r := 0; r < hl; r++ {
			lo[r*bw+bc] = cl[r]
		}
		for r := 0; r < hh; r++ {
			hi[r*bw+bc] = cl[hl+r]
		}
	}
	return nil
}

// CDF53Inverse2D exactly inverts CDF53Forward2D.
func CDF53Inverse2D(dst, src []int32, h, w int, scratch []int32) error {
	if err := cdf53Check2D("CDF53Inverse2D", dst, src, h, w, scratch); err != nil {
		return err
	}
	wl, wh, hl, hh := (w+1)/2, w/2, (h+1)/2, h/2
	tmp := scratch[:h*w]
	col, cl := scratch[h*w:h*w+h], scratch[h*w+h:h*w+2*h]
	bands := cdf53Bands(src, h, w)
	for c := 0; c < w; c++ {
		lo, hi, bw, bc := bands[0], bands[1], wl, c
		if c >= wl {
			lo, hi, bw, bc = bands[2], bands[3], wh, c-wl
		}
		for r := 0; r < hl; r++ {
			cl[r] = lo[r*bw+bc]
		}
		for r := 0; r < hh; r++ {
			cl[hl+r] = hi[r*bw+bc]
		}
		_ = CDF53Inverse(col, cl[:hl], cl[hl:h])
		for r := 0; r < h; r++ {
			tmp[r*w+c] = col[r]
		}
	}
	for r := 0; r < h; r++ {
		row := tmp[r*w : (r+1)*w]
		_ = CDF53Inverse(dst[r*w:(r+1)*w], row[:wl], row[wl:])
	}
	return nil
}

func cdf53Check2D(what string, dst, src []int32, h, w int, scratch []int32) error {
	if h < 1 || w < 1 || h > maxElems/w {
		return fmt.Errorf("%w: %s of %dx%d", ErrShape, what, h, w)
	}
	if len(dst) < h*w || len(src) < h*w || len(scratch) < CDF53ScratchLen(h, w) {
		return fmt.Errorf("%w: %s of %dx%d needs dst and src %d, scratch %d; have %d, %d, %d",
			ErrShape, what, h, w, h*w, CDF53ScratchLen(h, w), len(dst), len(src), len(scratch))
	}
	return nil
}

// cdf53Bands slices the four bands out of a 2D coefficient buffer.
func cdf53Bands(buf []int32, h, w int) [4][]int32 {
	wl, wh, hl, hh := (w+1)/2, w/2, (h+1)/2, h/2
	var b [4][]int32
	off := 0
	for i, n := range [4]int{hl * wl, hh * wl, hl * wh, hh * wh} {
		b[i] = buf[off : off+n]
		off += n
	}
	return b
}
