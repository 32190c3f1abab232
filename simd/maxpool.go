package simd

import "fmt"

// MaxPool2x2 is max pooling with 2×2 windows and stride 2 over planes
// planes of h×w floats (src) into planes of (h/2)×ow floats (dst), ow at
// most w/2; with relu set, each result is also maxed with +0, which is
// pooling after a ReLU (the two commute) without the ReLU's pass:
//
//	for pl < planes, y < h/2, i < ow:
//		t := src[pl*h*w+2*y*w:]     // the window's top row
//		b := t[w:]                  // and its bottom row
//		v := Max(Max(t[2i], b[2i]), Max(t[2i+1], b[2i+1]))
//		dst[(pl*(h/2)+y)*ow+i] = v, or Max(v, 0) with relu
//
// where Max(a, b) is a when a is NaN or a > b, else b: NaN propagates from
// every element of the window (a sensor fault stays visible), and which
// of +0 and -0 wins is fixed, so every kernel writes the same bits.
func MaxPool2x2(dst, src []float32, planes, h, w, ow int, relu bool) {
	oh := h / 2
	if planes < 0 || h < 0 || w < 0 || ow < 0 || 2*ow > w {
		panic(fmt.Sprintf("simd: MaxPool2x2: %d planes of %d×%d to width %d", planes, h, w, ow))
	}
	if int64(planes)*int64(h)*int64(w) > int64(len(src)) || int64(planes)*int64(oh)*int64(ow) > int64(len(dst)) {
		panic(fmt.Sprintf("simd: MaxPool2x2: %d planes of %d×%d from %d floats into %d", planes, h, w, len(src), len(dst)))
	}
	rows := planes * oh
	if rows == 0 || ow == 0 {
		return
	}
	src, dst = src[:planes*h*w], dst[:rows*ow]
	f32RaceRead(src)
	f32RaceWrite(dst)
	maxPool2x2Fn(dst, src, oh, w, ow, relu)
}

// fmaxNaN is the Max of MaxPool2x2, the x86 MAXPS with NaN carried from
// either side.
func fmaxNaN(a, b float32) float32 {
	if a != a || a > b {
		return a
	}
	return b
}

var maxPool2x2Fn func(dst, src []float32, oh, w, ow int, relu bool)

var maxPool2x2Family = newFamily("maxpool2x2", &maxPool2x2Fn, maxPool2x2Generic, maxPool2x2Arch...)

// maxPool2x2Generic is the Go twin of MaxPool2x2 (arguments checked; dst
// holds whole planes of oh rows of ow, src whole planes of 2·oh or more
// rows of w, their count len(dst)/(oh·ow)).
func maxPool2x2Generic(dst, src []float32, oh, w, ow int, relu bool) {
	maxPool2x2Rows(dst, src, oh, w, ow, relu, 0, len(dst)/ow)
}

// maxPool2x2Rows computes output rows [r0, r1) of maxPool2x2Generic.
func maxPool2x2Rows(dst, src []float32, oh, w, ow int, relu bool, r0, r1 int) {
	planes := len(dst) / (oh * ow)
	hw := len(src) / planes
	for r := r0; r < r1; r++ {
		t := src[(r/oh)*hw+2*(r%oh)*w:]
		t, b := t[:2*ow], t[w:w+2*ow]
		o := dst[r*ow : r*ow+ow]
		for i := range o {
			v := fmaxNaN(fmaxNaN(t[2*i], b[2*i]), fmaxNaN(t[2*i+1], b[2*i+1]))
			if relu {
				v = fmaxNaN(v, 0)
			}
			o[i] = v
		}
	}
}

// MaxPool3x3s2 is one output row of max pooling with 3×3 windows and
// stride 2 (the pooling after a ResNet stem), over the window rows r0, r1
// and r2 (a clipped window repeats a row), each starting at the first
// column of the first window: with Max as in MaxPool2x2,
//
//	col(c) = Max(Max(r0[c], r1[c]), r2[c])
//	dst[i] = Max(Max(col(2i), col(2i+1)), col(2i+2)), or Max(that, 0) with relu
//
// Each row must hold 2·len(dst)+1 floats.
func MaxPool3x3s2(dst, r0, r1, r2 []float32, relu bool) {
	need := 2*len(dst) + 1
	if len(r0) < need || len(r1) < need || len(r2) < need {
		panic(fmt.Sprintf("simd: MaxPool3x3s2: %d outputs from rows of %d, %d, %d floats", len(dst), len(r0), len(r1), len(r2)))
	}
	if len(dst) == 0 {
		return
	}
	r0, r1, r2 = r0[:need], r1[:need], r2[:need]
	f32RaceRead(r0)
	f32RaceRead(r1)
	f32RaceRead(r2)
	f32RaceWrite(dst)
	maxPool3s2Fn(dst, r0, r1, r2, relu)
}

var maxPool3s2Fn func(dst, r0, r1, r2 []float32, relu bool)

var maxPool3s2Family = newFamily("maxpool3x3s2", &maxPool3s2Fn, maxPool3s2Generic, maxPool3s2Arch...)

// maxPool3s2Generic is the Go twin of MaxPool3x3s2 (arguments checked).
func maxPool3s2Generic(dst, r0, r1, r2 []float32, relu bool) {
	r0, r1, r2 = r0[:2*len(dst)+1], r1[:2*len(dst)+1], r2[:2*len(dst)+1]
	col := func(c int) float32 { return fmaxNaN(fmaxNaN(r0[c], r1[c]), r2[c]) }
	for i := range dst {
		v := fmaxNaN(fmaxNaN(col(2*i), col(2*i+1)), col(2*i+2))
		if relu {
			v = fmaxNaN(v, 0)
		}
		dst[i] = v
	}
}
