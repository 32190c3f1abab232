package simd

import "fmt"

// Unzip2 splits src into its even- and odd-indexed floats:
//
//	even[i] = src[2i]   for i < (len(src)+1)/2
//	odd[i]  = src[2i+1] for i < len(src)/2
//
// which is how a stride-2 convolution's input row is split into the two
// phases that make its outputs read consecutive floats. It panics if even
// or odd is too short.
func Unzip2(even, odd, src []float32) {
	ne, no := (len(src)+1)/2, len(src)/2
	if len(even) < ne || len(odd) < no {
		panic(fmt.Sprintf("simd: Unzip2: %d floats into %d and %d", len(src), len(even), len(odd)))
	}
	if len(src) == 0 {
		return
	}
	f32RaceRead(src)
	f32RaceWrite(even[:ne])
	f32RaceWrite(odd[:no])
	unzip2Fn(even[:ne], odd[:no], src)
}

var unzip2Fn func(even, odd, src []float32)

var unzip2Family = newFamily("unzip2", &unzip2Fn, unzip2Generic, unzip2Arch...)

// unzip2Generic is the Go twin of Unzip2 (even and odd of exact length).
func unzip2Generic(even, odd, src []float32) {
	for i := range even {
		even[i] = src[2*i]
	}
	for i := range odd {
		odd[i] = src[2*i+1]
	}
}

// PadPlanes writes src, planes h×w planes, into dst as the planes padded
// with zeros: top rows above, bottom below, left and right floats either
// side of every row, (h+top+bottom)·(w+left+right) floats a plane. It is
// the copy of a stride-1 convolution's input that lets every tap of every
// output read without a bounds test. With relu set, every copied value
// below zero is written as 0 (NaN and -0 kept, as Relu keeps them): the
// ReLU before the convolution, folded into its copy. It panics if a size
// is negative or a slice too short.
func PadPlanes(dst, src []float32, planes, h, w, top, bottom, left, right int, relu bool) {
	if planes < 0 || h < 0 || w < 0 || top < 0 || bottom < 0 || left < 0 || right < 0 {
		panic(fmt.Sprintf("simd: PadPlanes: %d planes of %d×%d, pads %d %d %d %d", planes, h, w, top, bottom, left, right))
	}
	wp := w + left + right
	n := (h + top + bottom) * wp
	if int64(len(src)) < int64(planes)*int64(h)*int64(w) || int64(len(dst)) < int64(planes)*int64(n) {
		panic(fmt.Sprintf("simd: PadPlanes: %d planes of %d×%d from %d floats into %d", planes, h, w, len(src), len(dst)))
	}
	dst, src = dst[:planes*n], src[:planes*h*w]
	f32RaceRead(src)
	f32RaceWrite(dst)
	// Zero everything, then copy the rows: one memory clear costs less
	// than zeroing the paddings piece by piece, on maps of any size.
	clear(dst)
	if w == 0 || h == 0 {
		return
	}
	if planes == 0 {
		return
	}
	copyRowsFn(dst[top*wp+left:(planes-1)*n+(top+h-1)*wp+left+w], src, h, w, wp, n, relu)
}

var copyRowsFn func(dst, src []float32, h, w, wp, n int, relu bool)

var copyRowsFamily = newFamily("copyrows", &copyRowsFn, copyRowsGeneric, copyRowsArch...)

// copyRowsGeneric is the Go twin of PadPlanes' row copies: row y of plane
// p of src (planes of h rows of w floats, len(src)/(h·w) of them) goes to
// dst[p*n+y*wp : p*n+y*wp+w] (dst ends at the last row's end), rectified
// with relu.
func copyRowsGeneric(dst, src []float32, h, w, wp, n int, relu bool) {
	for r := 0; r < len(src)/w; r++ {
		o := (r/h)*n + (r%h)*wp
		d, s := dst[o:o+w], src[r*w:(r+1)*w]
		if !relu {
			copy(d, s)
			continue
		}
		for i, v := range s {
			if v < 0 {
				v = 0
			}
			d[i] = v
		}
	}
}
