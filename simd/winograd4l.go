package simd

import "fmt"

// F(4×4, 3×3) for maps of exactly one 4×4 tile (the 4×4 maps of a CNN's
// deepest layers and of the default pipeline's latents), whose one tile an
// image would leave seven of eight lanes empty: the lanes are eight images
// instead. PadInterleave8 lays the images' padded maps out with the image
// innermost, so that each of a tile's 36 inputs is one plain load for
// eight images.

// PadInterleave8 writes count (at most 8) images of src (each chans planes
// of h×w), zero-padded to hp×wp (top rows above, left columns before),
// with the image innermost: value (c, r, j) of image k at
// dst[((c*hp+r)*wp+j)*8+k]. Lanes of images past count are zero. With relu,
// values below zero are written as 0 (NaN and -0 kept), a ReLU folded into
// the copy.
func PadInterleave8(dst, src []float32, count, chans, h, w, top, left, hp, wp int, relu bool) {
	if count < 0 || count > 8 || chans < 0 || h < 0 || w < 0 || top < 0 || left < 0 || top+h > hp || left+w > wp {
		panic(fmt.Sprintf("simd: PadInterleave8: %d images of %d planes of %d×%d at (%d, %d) in %d×%d", count, chans, h, w, top, left, hp, wp))
	}
	n := int64(chans) * int64(hp) * int64(wp) * 8
	if int64(len(src)) < int64(count)*int64(chans)*int64(h)*int64(w) || int64(len(dst)) < n {
		panic(fmt.Sprintf("simd: PadInterleave8: %d images of %d planes of %d×%d from %d floats into %d", count, chans, h, w, len(src), len(dst)))
	}
	dst = dst[:n]
	f32RaceRead(src[:count*chans*h*w])
	f32RaceWrite(dst)
	clear(dst)
	for k := 0; k < count; k++ {
		img := src[k*chans*h*w : (k+1)*chans*h*w]
		for c := 0; c < chans; c++ {
			for i := 0; i < h; i++ {
				row := img[(c*h+i)*w : (c*h+i+1)*w]
				o := dst[((c*hp+i+top)*wp+left)*8+k:]
				for j, x := range row {
					o[j*8] = rect(x, relu)
				}
			}
		}
	}
}

// WinogradIn4L writes the input transforms of eight images' single tiles,
// one a lane, of chans channels: the 6×6 tile of channel c at
// d[c*288:], laid out as PadInterleave8 lays out a 6×6 padded map
// (value (i, j) of lane k at [(i*6+j)*8+k]); coefficient ξ = 6r+s of
// Bᵀ·d·B goes to v[ξ*vx+c*vc+k].
func WinogradIn4L(v []float32, vx, vc int, d []float32, chans int) {
	if chans <= 0 {
		return
	}
	winoInCheck("WinogradIn4L", v, vx, vc, 36, 8, chans, int64(chans)*288, d)
	winoIn4LFn(v, vx, vc, d, chans)
}

// WinogradOut4L writes the output transforms of count (at most 8) images'
// single tiles, one a lane, of chans channels, plus bias[c] (nil: none):
// the 4×4 outputs of channel c of lane k's image at y[k*ystride+c*16:],
// row by row (the NCHW layout of a 4×4 map). Coefficient ξ of lane k of
// channel c is m[ξ*mx+c*mc+k]. Nothing else of y is written.
func WinogradOut4L(y []float32, ystride int, m []float32, mx, mc int, bias []float32, chans, count int) {
	if chans <= 0 || count <= 0 {
		return
	}
	if count > 8 || ystride < 16*chans || mx < 0 || mc < 0 {
		panic(fmt.Sprintf("simd: WinogradOut4L: %d images %d apart, %d channels, strides %d %d", count, ystride, chans, mx, mc))
	}
	yneed := int64(count-1)*int64(ystride) + 16*int64(chans)
	mneed := 35*int64(mx) + int64(chans-1)*int64(mc) + 8
	if int64(len(y)) < yneed || int64(len(m)) < mneed || (bias != nil && len(bias) < chans) {
		panic(fmt.Sprintf("simd: WinogradOut4L: %d images of %d channels write %d floats of %d, read %d of %d, bias %d",
			count, chans, yneed, len(y), mneed, len(m), len(bias)))
	}
	f32RaceRead(m[:mneed])
	if raceEnabled {
		for k := 0; k < count; k++ {
			f32RaceWrite(y[k*ystride : k*ystride+16*chans])
		}
	}
	winoOut4LFn(y, ystride, m, mx, mc, bias, chans, count)
}

var (
	winoIn4LFn  func(v []float32, vx, vc int, d []float32, chans int)
	winoOut4LFn func(y []float32, ystride int, m []float32, mx, mc int, bias []float32, chans, count int)
)

var (
	winoIn4LFamily  = newFamily("winograd4_in_lanes", &winoIn4LFn, winoIn4LGeneric, winoIn4LArch...)
	winoOut4LFamily = newFamily("winograd4_out_lanes", &winoOut4LFn, winoOut4LGeneric, winoOut4LArch...)
)

// winoIn4LGeneric is the Go twin of WinogradIn4L: WinogradIn4's tile
// transform with the tile's columns eight floats apart.
func winoIn4LGeneric(v []float32, vx, vc int, d []float32, chans int) {
	for c := 0; c < chans; c++ {
		for k := 0; k < 8; k++ {
			var t [6][6]float32
			for i := 0; i < 6; i++ {
				for j := 0; j < 6; j++ {
					t[i][j] = d[c*288+(i*6+j)*8+k]
				}
			}
			winoIn4Block(v, vx, c*vc+k, &t)
		}
	}
}

// winoOut4LGeneric is the Go twin of WinogradOut4L.
func winoOut4LGeneric(y []float32, ystride int, m []float32, mx, mc int, bias []float32, chans, count int) {
	for c := 0; c < chans; c++ {
		for k := 0; k < count; k++ {
			winoOut4Tile(y[k*ystride+c*16:], 4, m, mx, c*mc+k, winoBias(bias, c), 4, 4)
		}
	}
}
