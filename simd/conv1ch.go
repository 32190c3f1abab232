package simd

import "fmt"

// Conv1ChTaps is the most taps Conv1Ch8 takes (a 7×7 window).
const Conv1ChTaps = 49

// Conv1Ch8 computes width (at least 8) consecutive outputs of eight output
// channels of a convolution over one input channel, the first layer of a
// model fed a grayscale image or a spectrogram, whose K (the taps) is too
// small for a GEMM to pay for its packing:
//
//	for o < 8, x < width:
//		acc := 0
//		for t := range taps { acc += w[t*8+o] * in[taps[t]+x] }   // in order, one FMA each
//		dst[o*ldd+x] = acc + bias[o]                              // one more FMA, by 1
//
// which is the sum, in the same order and with the same fused
// multiply-adds, that the SGEMM path forms for the convolution with the
// bias as its last K row of ones: the assembly gives that path's bits. w
// holds the weights tap-major (w[t*8+o]); in must hold every tap's width
// floats. It panics on a short slice, a width under 8 or more than
// Conv1ChTaps taps.
func Conv1Ch8(dst []float32, ldd int, in []float32, taps Offsets, w, bias []float32, width int) {
	Conv1Ch8Rows(dst, ldd, 0, in, 0, taps, w, bias, width, 1)
}

// Conv1Ch8Rows is Conv1Ch8 for rows output rows in one call: row r writes
// dst[r*dstRow:] from in[r*inRow:], as Conv1Ch8 would. A map's rows are
// short (28 outputs for Fashion-MNIST); one call a row cost a third of
// the layer.
func Conv1Ch8Rows(dst []float32, ldd, dstRow int, in []float32, inRow int, taps Offsets, w, bias []float32, width, rows int) {
	n := taps.Len()
	if rows < 1 || dstRow < 0 || inRow < 0 || n > Conv1ChTaps || len(w) < 8*n || len(bias) < 8 || width < 8 || ldd < width ||
		int64(len(dst)) < int64(rows-1)*int64(dstRow)+7*int64(ldd)+int64(width) ||
		(n > 0 && (taps.lo < 0 || int64(rows-1)*int64(inRow)+int64(taps.hi)+int64(width) > int64(len(in)))) {
		panic(fmt.Sprintf("simd: Conv1Ch8: %d taps in [%d, %d] of %d floats (rows %d apart), %d weights, %d biases, width %d, %d rows, dst %d with strides %d, %d",
			n, taps.lo, taps.hi, len(in), inRow, len(w), len(bias), width, rows, len(dst), ldd, dstRow))
	}
	if raceEnabled {
		f32RaceRead(in)
		for r := 0; r < rows; r++ {
			for o := 0; o < 8; o++ {
				f32RaceWrite(dst[r*dstRow+o*ldd : r*dstRow+o*ldd+width])
			}
		}
	}
	conv1Ch8Fn(dst, ldd, dstRow, in, inRow, taps.off, w, bias, width, rows)
}

var conv1Ch8Fn func(dst []float32, ldd, dstRow int, in []float32, inRow int, taps []int32, w, bias []float32, width, rows int)

var conv1Ch8Family = newFamily("conv1ch8", &conv1Ch8Fn, conv1Ch8RowsGeneric, conv1Ch8Arch...)

func conv1Ch8RowsGeneric(dst []float32, ldd, dstRow int, in []float32, inRow int, taps []int32, w, bias []float32, width, rows int) {
	for r := 0; r < rows; r++ {
		conv1Ch8Generic(dst[r*dstRow:], ldd, in[r*inRow:], taps, w, bias, width)
	}
}

// conv1Ch8Generic is the Go twin of Conv1Ch8 (arguments checked); Go rounds
// each product and sum apart, so it agrees with the fused assembly within
// float32 rounding, not to the bit.
func conv1Ch8Generic(dst []float32, ldd int, in []float32, taps []int32, w, bias []float32, width int) {
	for x0 := 0; x0 < width; x0 += 8 {
		x0 := min(x0, width-8)
		var acc [64]float32
		for t, off := range taps {
			v := in[int(off)+x0 : int(off)+x0+8 : int(off)+x0+8]
			wt := w[8*t : 8*t+8 : 8*t+8]
			for o, wo := range wt {
				a := acc[8*o : 8*o+8 : 8*o+8]
				for x, vx := range v {
					a[x] += wo * vx
				}
			}
		}
		for o := 0; o < 8; o++ {
			d := dst[o*ldd+x0 : o*ldd+x0+8]
			for x := range d {
				d[x] = acc[8*o+x] + bias[o]
			}
		}
	}
}
