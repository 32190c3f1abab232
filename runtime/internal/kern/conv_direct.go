package kern

import "github.com/edgerun/edgerun/simd"

// convDirect is the path of a ConvGemm over one input channel at stride 1
// (the first layer of a model fed grayscale images or spectrograms): K is
// the window's taps alone (9 for 3×3), too few for the product's panels
// and tiles to pay for themselves, so eight outputs of eight channels at a
// time come straight from the input (simd.Conv1Ch8), with the same sums in
// the same order as the product.
type convDirect struct {
	// w holds each group of eight channels' weights tap-major
	// (w[g][t*8+o]), bias each group's eight biases (zeros without one).
	w, bias [][]float32
}

// newConvDirect returns the direct path of p with weights w and bias (or
// nil), or nil where it does not apply: more than one input channel, a
// stride, channels not in eights, outputs narrower than eight, or a window
// of more than simd.Conv1ChTaps taps.
func newConvDirect(p *Conv2DParams, w, bias []float32) *convDirect {
	taps := p.KH * p.KW
	if p.C != 1 || p.Groups != 1 || p.StrideH != 1 || p.StrideW != 1 || p.OutC%8 != 0 ||
		p.OutW() < 8 || taps > simd.Conv1ChTaps {
		return nil
	}
	d := &convDirect{}
	for g := 0; g < p.OutC/8; g++ {
		wg, bg := make([]float32, 8*taps), make([]float32, 8)
		for o := 0; o < 8; o++ {
			for t := 0; t < taps; t++ {
				wg[t*8+o] = w[(g*8+o)*taps+t]
			}
			if bias != nil {
				bg[o] = bias[g*8+o]
			}
		}
		d.w, d.bias = append(d.w, wg), append(d.bias, bg)
	}
	return d
}

// Direct reports whether RunDirect computes the convolution (see
// convDirect); Run always can.
func (cg *ConvGemm) Direct() bool { return cg.direct != nil }

// RunDirect computes images [n0, n1) of the output into dst from src, the
// input as the products read it (the padded copy when PadLen > 0). Only
// for a ConvGemm with Direct set. Images split among goroutines give the
// bits of one call, and the bits Run gives.
func (cg *ConvGemm) RunDirect(dst, src []float32, n0, n1 int) {
	d := cg.direct
	ow := cg.ow
	for n := n0; n < n1; n++ {
		in := src[n*cg.plane:]
		out := dst[n*cg.p.OutC*cg.ohw:]
		for g := range d.w {
			simd.Conv1Ch8Rows(out[g*8*cg.ohw:], cg.ohw, ow, in, cg.wq, cg.rowOff, d.w[g], d.bias[g], ow, cg.oh)
		}
	}
}
