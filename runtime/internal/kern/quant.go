package kern

import (
	"fmt"
	"math"
)

// Int8 is the element type of quantised activations: uint8 (asymmetric,
// with a zero point) or int8.
type Int8 interface{ ~uint8 | ~int8 }

// qRange returns the representable range of T.
func qRange[T Int8]() (lo, hi int32) {
	var z T
	if ^z < 0 { // int8: ^0 = -1
		return -128, 127
	}
	return 0, 255
}

// quantizeOne is clamp(roundHalfEven(v/scale) + zero, lo, hi); NaN maps to
// the zero point. v/scale is one float32 division, as NumPy and ONNX
// QuantizeLinear do it.
func quantizeOne(v, scale float32, zero, lo, hi int32) int32 {
	q := v / scale
	if q != q {
		return min(max(zero, lo), hi)
	}
	r := math.RoundToEven(float64(q))
	r += float64(zero)
	if r < float64(lo) {
		return lo
	}
	if r > float64(hi) {
		return hi
	}
	return int32(r)
}

// Quantize writes dst[i] = clamp(roundHalfEven(x[i]/scale) + zero) into the
// range of T (NaN becomes the zero point). scale must be positive and
// finite; zero must be in T's range (see CheckQuant).
func Quantize[T Int8](dst []T, x []float32, scale float32, zero int32) {
	lo, hi := qRange[T]()
	dst = dst[:len(x)]
	for i, v := range x {
		dst[i] = T(quantizeOne(v, scale, zero, lo, hi))
	}
}

// Dequantize writes dst[i] = float32(q[i] - zero) · scale.
func Dequantize[T Int8](dst []float32, q []T, scale float32, zero int32) {
	dst = dst[:len(q)]
	for i, v := range q {
		dst[i] = float32(int32(v)-zero) * scale
	}
}

// CheckQuant reports whether scale and zero describe a usable quantisation
// for T.
func CheckQuant[T Int8](scale float32, zero int32) error {
	lo, hi := qRange[T]()
	if !(scale > 0) || math.IsInf(float64(scale), 0) {
		return fmt.Errorf("quantize: scale %v not positive and finite", scale)
	}
	if zero < lo || zero > hi {
		return fmt.Errorf("quantize: zero point %d outside %d..%d", zero, lo, hi)
	}
	return nil
}

// requantOne maps an int32 accumulator back to the quantised output:
//
//	clamp(roundHalfEven(float32(acc) · mult) + zero, lo, hi)
//
// One float32 product rounded once (no add, so nothing to fuse), so every
// architecture gives the same bytes.
func requantOne(acc int32, mult float32, zero, lo, hi int32) int32 {
	f := float32(acc) * mult
	r := math.RoundToEven(float64(f)) + float64(zero)
	if r < float64(lo) {
		return lo
	}
	if r > float64(hi) {
		return hi
	}
	return int32(r)
}

// RequantMultiplier returns the float32 multiplier from an int32
// accumulator of x·w products to the output's quantised scale:
// float32(xScale·wScale/yScale), computed in float64.
func RequantMultiplier(xScale, wScale, yScale float32) float32 {
	return float32(float64(xScale) * float64(wScale) / float64(yScale))
}

// QuantParams carries the quantisation of an int8 layer: input and output
// zero points, and one requantisation multiplier per output channel
// (RequantMultiplier of the input scale, that channel's weight scale and
// the output scale). Weights are symmetric int8 (zero point 0); the int32
// bias is in units of inScale·weightScale[o].
type QuantParams struct {
	XZero, YZero int32
	Mult         []float32
}

// QConv2DParams describes an int8 convolution: Conv2DParams' geometry with
// QuantParams' quantisation.
type QConv2DParams struct {
	Conv2DParams
	QuantParams
}

// Validate reports whether p describes a computable int8 convolution.
func (p *QConv2DParams) Validate() error {
	if err := p.Conv2DParams.Validate(); err != nil {
		return err
	}
	if len(p.Mult) != p.OutC {
		return fmt.Errorf("qconv2d: %d multipliers for %d channels", len(p.Mult), p.OutC)
	}
	if k := p.C / p.Groups * p.KH * p.KW; k > maxQDepth {
		return fmt.Errorf("qconv2d: %d products per output exceed %d (int32 accumulator)", k, maxQDepth)
	}
	return checkMult(p.Mult)
}

// maxQDepth bounds the products summed into one int32 accumulator: each is
// at most 255·128 in magnitude, so 65536 of them stay about 8 million
// below 2^31, room for the bias.
const maxQDepth = 1 << 16

func checkMult(m []float32) error {
	for i, v := range m {
		if !(v > 0) || math.IsInf(float64(v), 0) {
			return fmt.Errorf("requantisation multiplier %d is %v", i, v)
		}
	}
	return nil
}

// QConv2DScratch is the int32 scratch length QConv2D needs: one output
// row of accumulators.
func QConv2DScratch(p *QConv2DParams) int { return p.OutW() }

// QConv2D is the reference integer convolution: for every output element
//
//	acc = bias[o] + Σ (x - XZero)·w    (int32, padding contributes 0)
//	dst = requantised acc with Mult[o] and YZero
//
// x and dst are N×C×H×W and N×OutC×OutH×OutW of T, w is OIHW int8, bias
// OutC int32 (or nil). Integer results are exact, so every path (this one
// and the SIMD int8 GEMM) gives identical bytes. XZero and YZero must be
// in T's range.
func QConv2D[T Int8](p *QConv2DParams, dst, x []T, w []int8, bias []int32, acc []int32) {
	lo, hi := qRange[T]()
	oh, ow := p.OutH(), p.OutW()
	cpg, opg := p.C/p.Groups, p.OutC/p.Groups
	hw := p.H * p.W
	kk := p.KH * p.KW
	row := acc[:ow]
	for n := 0; n < p.N; n++ {
		for o := 0; o < p.OutC; o++ {
			g := o / opg
			wo := w[o*cpg*kk : (o+1)*cpg*kk]
			var b int32
			if bias != nil {
				b = bias[o]
			}
			for y := 0; y < oh; y++ {
				for i := range row {
					row[i] = b
				}
				for c := 0; c < cpg; c++ {
					xc := x[(n*p.C+g*cpg+c)*hw : (n*p.C+g*cpg+c+1)*hw]
					for i := 0; i < p.KH; i++ {
						ih := y*p.StrideH + i*p.DilationH - p.PadTop
						if ih < 0 || ih >= p.H {
							continue
						}
						src := xc[ih*p.W : (ih+1)*p.W]
						for j := 0; j < p.KW; j++ {
							wv := int32(wo[(c*p.KH+i)*p.KW+j])
							off := j*p.DilationW - p.PadLeft
							a, e := validRange(off, p.StrideW, p.W, ow)
							for xo := a; xo < e; xo++ {
								row[xo] += (int32(src[xo*p.StrideW+off]) - p.XZero) * wv
							}
						}
					}
				}
				out := dst[((n*p.OutC+o)*oh+y)*ow : ((n*p.OutC+o)*oh+y+1)*ow]
				m := p.Mult[o]
				for i, a := range row {
					out[i] = T(requantOne(a, m, p.YZero, lo, hi))
				}
			}
		}
	}
}

// QDenseParams describes an int8 fully connected layer: x Batch×In of T,
// w Out×In int8, bias Out int32 (or nil), dst Batch×Out of T.
type QDenseParams struct {
	DenseParams
	QuantParams
}

// Validate reports whether p describes a computable int8 dense layer.
func (p *QDenseParams) Validate() error {
	if err := p.DenseParams.Validate(); err != nil {
		return err
	}
	if len(p.Mult) != p.Out {
		return fmt.Errorf("qdense: %d multipliers for %d outputs", len(p.Mult), p.Out)
	}
	if p.In > maxQDepth {
		return fmt.Errorf("qdense: %d inputs exceed %d (int32 accumulator)", p.In, maxQDepth)
	}
	return checkMult(p.Mult)
}

// QDense is the reference integer dense layer:
// dst[b][o] = requant(bias[o] + Σ_i (x[b][i] - XZero)·w[o][i]).
func QDense[T Int8](p *QDenseParams, dst, x []T, w []int8, bias []int32) {
	lo, hi := qRange[T]()
	for b := 0; b < p.Batch; b++ {
		xr := x[b*p.In : (b+1)*p.In]
		for o := 0; o < p.Out; o++ {
			wr := w[o*p.In : (o+1)*p.In]
			var a int32
			if bias != nil {
				a = bias[o]
			}
			for i, v := range xr {
				a += (int32(v) - p.XZero) * int32(wr[i])
			}
			dst[b*p.Out+o] = T(requantOne(a, p.Mult[o], p.YZero, lo, hi))
		}
	}
}
