package simd

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// Every Conv1Ch8 kernel agrees with the Go twin within float32 rounding,
// and the assembly gives, to the bit, what the SGEMM microkernel computes
// from the same weights packed with the bias as the last K column against
// a row of ones (the convolution's other path), for 0 to 49 taps and rows
// of whole blocks and not.
func TestConv1Ch8(t *testing.T) {
	r := rand.New(rand.NewPCG(81, 82))
	in := f32Rand(r, 600)
	// Two more rows of seven past in, for the calls of three rows.
	inRows := append(append([]float32(nil), in...), f32Rand(r, 14)...)
	for _, c := range [][2]int{{0, 8}, {1, 8}, {9, 28}, {25, 13}, {49, 16}, {9, 9}} {
		n, width := c[0], c[1]
		off := make([]int32, n)
		for i := range off {
			off[i] = int32(r.IntN(len(in) - width))
		}
		taps := NewOffsets(off)
		w, bias := f32Rand(r, 8*n), f32Rand(r, 8)
		ldd := width + 3
		want := make([]float32, 8*ldd)
		conv1Ch8Generic(want, ldd, in, off, w, bias, width)
		// The SGEMM form: A is 8×(n+1), B (n+1)×nr.
		var packedOut []float32
		if im := sgemmKern; im.kern != nil && im.nr == 16 {
			k := n + 1
			a := make([]float32, 8*k)
			for o := 0; o < 8; o++ {
				for t := 0; t < n; t++ {
					a[o*k+t] = w[t*8+o]
				}
				a[o*k+n] = bias[o]
			}
			pa := PackA(false, 8, k, a, k)
			b := make([]float32, k*width)
			for t := 0; t < n; t++ {
				copy(b[t*width:(t+1)*width], in[off[t]:])
			}
			for j := 0; j < width; j++ {
				b[n*width+j] = 1
			}
			packedOut = make([]float32, 8*width)
			SgemmPackedA(pa, &matSource{b: b, n: width}, 0, width, packedOut, width, width, 0)
		}
		for _, im := range conv1Ch8Family.available() {
			t.Run(fmt.Sprintf("%s/%d/%d", im.name, n, width), func(t *testing.T) {
				saved := conv1Ch8Fn
				conv1Ch8Fn = im.fn
				defer func() { conv1Ch8Fn = saved }()
				got, _ := guarded(8*ldd, 0, f32Guard)
				Conv1Ch8(got, ldd, in, taps, w, bias, width)
				// Several rows in one call: each row's bits as one call.
				const rows = 3
				rowsGot := make([]float32, 2*8*ldd+8*ldd)
				Conv1Ch8Rows(rowsGot, ldd, 8*ldd, inRows, 7, taps, w, bias, width, rows)
				for rr := 0; rr < rows; rr++ {
					one := make([]float32, 8*ldd)
					Conv1Ch8(one, ldd, inRows[7*rr:], taps, w, bias, width)
					for o := 0; o < 8; o++ {
						for x := 0; x < width; x++ {
							require.Equal(t, math.Float32bits(one[o*ldd+x]), math.Float32bits(rowsGot[rr*8*ldd+o*ldd+x]), "row %d channel %d output %d", rr, o, x)
						}
					}
				}
				for o := 0; o < 8; o++ {
					for x := 0; x < width; x++ {
						var mag float64
						for tt := 0; tt < n; tt++ {
							mag += math.Abs(float64(w[tt*8+o]) * float64(in[int(off[tt])+x]))
						}
						mag += math.Abs(float64(bias[o]))
						require.InDelta(t, want[o*ldd+x], got[o*ldd+x], 1e-6*mag+1e-7, "channel %d output %d", o, x)
						if im.name != "generic" && packedOut != nil {
							require.Equal(t, math.Float32bits(packedOut[o*width+x]), math.Float32bits(got[o*ldd+x]), "channel %d output %d against SGEMM", o, x)
						}
					}
					for x := width; x < ldd && o < 7; x++ {
						require.Equal(t, f32Guard, got[o*ldd+x])
					}
				}
			})
		}
	}
	require.Panics(t, func() {
		Conv1Ch8(make([]float32, 64), 8, make([]float32, 10), NewOffsets([]int32{3}), make([]float32, 8), make([]float32, 8), 8)
	})
	require.Panics(t, func() {
		Conv1Ch8Rows(make([]float32, 100), 10, 20, make([]float32, 30), 20, NewOffsets([]int32{3}), make([]float32, 8), make([]float32, 8), 8, 2)
	})
	require.Panics(t, func() {
		Conv1Ch8(make([]float32, 63), 8, make([]float32, 10), NewOffsets([]int32{0}), make([]float32, 8), make([]float32, 8), 8)
	})
	require.Panics(t, func() {
		Conv1Ch8(make([]float32, 64), 8, make([]float32, 10), NewOffsets([]int32{0}), make([]float32, 8), make([]float32, 8), 7)
	})
}
