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
	if len(src) == 1 {
		even[0] = src[0]
		return
	}
	// One row of one plane of PadUnzip2's kernels.
	padUnzipFn(even[:ne], odd[:no], src, 1, len(src), 0, 0, false)
}

// unzip2Generic splits one row as Unzip2 does (even and odd of exact
// length), rectifying as PadUnzip2 does when relu is set.
func unzip2Generic(even, odd, src []float32, relu bool) {
	for i := range even {
		even[i] = rect(src[2*i], relu)
	}
	for i := range odd {
		odd[i] = rect(src[2*i+1], relu)
	}
}

// rect is v, or 0 when relu is set and v compares below zero.
func rect(v float32, relu bool) float32 {
	if relu && v < 0 {
		return 0
	}
	return v
}

// PadUnzip2 writes src, planes h×w planes, zero-padded to hp rows (top
// above) and 2·ld columns (left before), as the padded planes' even and
// odd columns: column 2j of padded row r of plane p goes to
// e[p*hp*ld+r*ld+j], column 2j+1 to o[...]. It is PadPlanes followed by
// Unzip2 without the padded copy between them, for the Winograd
// transforms, which read tiles' columns from e and o. With relu, values
// below zero are written as 0 (NaN and -0 kept). It panics if the padding
// does not fit or a slice is too short.
func PadUnzip2(e, o, src []float32, planes, h, w, top, left, hp, ld int, relu bool) {
	if planes < 0 || h < 0 || w < 0 || top < 0 || left < 0 || top+h > hp || left+w > 2*ld {
		panic(fmt.Sprintf("simd: PadUnzip2: %d planes of %d×%d at (%d, %d) in %d×%d", planes, h, w, top, left, hp, 2*ld))
	}
	n := int64(planes) * int64(hp) * int64(ld)
	if int64(len(src)) < int64(planes)*int64(h)*int64(w) || int64(len(e)) < n || int64(len(o)) < n {
		panic(fmt.Sprintf("simd: PadUnzip2: %d planes of %d×%d from %d floats into %d and %d", planes, h, w, len(src), len(e), len(o)))
	}
	pl := hp * ld
	e, o = e[:planes*pl], o[:planes*pl]
	f32RaceRead(src[:planes*h*w])
	f32RaceWrite(e)
	f32RaceWrite(o)
	// One clear of both halves, then the rows: the margins are a float or
	// two a row, which cost more to clear one by one.
	clear(e)
	clear(o)
	if planes == 0 || h == 0 || w == 0 {
		return
	}
	// The source's even columns land in the half of left's parity.
	ev, od := e[top*ld+left/2:], o[top*ld+left/2:]
	if left%2 == 1 {
		ev, od = o[top*ld+left/2:], e[top*ld+left/2+1:]
	}
	padUnzipFn(ev, od, src[:planes*h*w], h, w, ld, pl, relu)
}

// padUnzipFn writes the rows of planes of h rows of w floats (src) into
// ev (even columns) and od (odd), rows ld and planes pl floats apart.
var padUnzipFn func(ev, od, src []float32, h, w, ld, pl int, relu bool)

var padUnzipFamily = newFamily("padunzip2", &padUnzipFn, padUnzipGeneric, padUnzipArch...)

func padUnzipGeneric(ev, od, src []float32, h, w, ld, pl int, relu bool) {
	ne, no := (w+1)/2, w/2
	for r := 0; r < len(src)/w; r++ {
		at := (r/h)*pl + (r%h)*ld
		unzip2Generic(ev[at:at+ne], od[at:at+no], src[r*w:(r+1)*w], relu)
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
