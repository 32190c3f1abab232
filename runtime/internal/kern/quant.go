package kern

import (
	"fmt"
	"math"
	"unsafe"

	"github.com/edgerun/edgerun/simd"
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

// CheckZeroPoints reports whether q's zero points lie in T's range, which
// QConv2D and QDense require.
func CheckZeroPoints[T Int8](q *QuantParams) error {
	lo, hi := qRange[T]()
	if q.XZero < lo || q.XZero > hi || q.YZero < lo || q.YZero > hi {
		return fmt.Errorf("int8 layer: zero points %d, %d outside %d..%d", q.XZero, q.YZero, lo, hi)
	}
	return nil
}

// QConv2DParams describes an int8 convolution: Conv2DParams' geometry with
// QuantParams' quantisation.
type QConv2DParams struct {
	Conv2DParams
	QuantParams
	// Packed, if not nil, holds each group's weights packed for simd's
	// int8 GEMM (see Pack), which QConv2D then uses instead of the portable
	// reference product; the bytes out are the same either way.
	Packed []*simd.PackedI8B
}

// Pack packs the OIHW int8 weights w of the convolution p for simd's int8
// GEMM, one matrix of (C/Groups·KH·KW)×(OutC/Groups) per group, and keeps
// them in p.Packed. Call it once at model load, after Validate; it
// allocates the packed copy (about the size of w). The packed weights are
// immutable, so params sharing them may be used by many sessions at once.
func (p *QConv2DParams) Pack(w []int8) {
	cpg, opg := p.C/p.Groups, p.OutC/p.Groups
	k := cpg * p.KH * p.KW
	p.Packed = make([]*simd.PackedI8B, p.Groups)
	for g := range p.Packed {
		p.Packed[g] = simd.PackI8B(k, opg, w[g*opg*k:(g+1)*opg*k], k, true)
	}
}

// Validate reports whether p describes a computable int8 convolution.
func (p *QConv2DParams) Validate() error {
	if err := p.Conv2DParams.Validate(); err != nil {
		return err
	}
	if len(p.Mult) != p.OutC {
		return fmt.Errorf("qconv2d: %d multipliers for %d channels", len(p.Mult), p.OutC)
	}
	k := p.C / p.Groups * p.KH * p.KW
	if k > maxQDepth {
		return fmt.Errorf("qconv2d: %d products per output exceed %d (int32 accumulator)", k, maxQDepth)
	}
	if p.Packed != nil {
		if len(p.Packed) != p.Groups {
			return fmt.Errorf("qconv2d: %d packed weight groups for %d groups", len(p.Packed), p.Groups)
		}
		for _, pb := range p.Packed {
			if pb == nil || pb.K() != k || pb.N() != p.OutC/p.Groups {
				return fmt.Errorf("qconv2d: packed weights do not match the geometry")
			}
		}
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

// qTarget bounds one tile of int8 patches (bytes), to stay in L1/L2.
const qTarget = 1 << 15

// qTilePos is the number of output positions per patch tile.
func (p *QConv2DParams) qTilePos() int {
	k := p.C / p.Groups * p.KH * p.KW
	return max(1, min(qTarget/k, p.OutH()*p.OutW()))
}

// QConv2DScratch returns the scratch QConv2D needs: patches elements of T
// for one tile of im2row patches, and acc int32 accumulators.
func QConv2DScratch(p *QConv2DParams) (patches, acc int) {
	t := p.qTilePos()
	// The patches' room holds the tile's requantised outputs after the
	// product, before they are written out channel by channel.
	return t * max((p.C/p.Groups)*p.KH*p.KW, p.OutC/p.Groups), t * (p.OutC / p.Groups)
}

// QConv2D is the int8 convolution: for every output element
//
//	acc = Σ (x - XZero)·w    (int32; padding is XZero, so it contributes 0)
//	dst = clamp(roundHalfEven(float32(acc + bias[o])·Mult[o]) + YZero)
//
// x and dst are N×C×H×W and N×OutC×OutH×OutW of T, w is OIHW int8, bias
// OutC int32 (or nil); patches and acc are scratch of the sizes
// QConv2DScratch gives. Output positions are processed in tiles: im2row
// patches (positions × C/Groups·KH·KW, in OIHW weight order) are built
// in patches, multiplied by each group's weights into acc (positions ×
// OutC/Groups, the layout of simd's int8 GEMM), then requantised. Integer
// results are exact, so any int8 GEMM with that contract gives identical
// bytes. XZero and YZero must be in T's range.
//
// With p.Packed set (see Pack) the products come from simd's int8 GEMM
// (VNNI, SDOT, SMMLA, ...); w is then not read. Each tile is requantised
// by simd's RequantU8/RequantI8 (the rounding contract of requantOne, in
// vectors) into the patches' room, positions × channels as the GEMM left
// it, then written out channel-major (NCHW).
func QConv2D[T Int8](p *QConv2DParams, dst, x []T, w []int8, bias []int32, patches []T, acc []int32) {
	lo, _ := qRange[T]()
	ohw := p.OutH() * p.OutW()
	cpg, opg := p.C/p.Groups, p.OutC/p.Groups
	k := cpg * p.KH * p.KW
	tile := p.qTilePos()
	for n := 0; n < p.N; n++ {
		for g := 0; g < p.Groups; g++ {
			xg := x[(n*p.C+g*cpg)*p.H*p.W : (n*p.C+(g+1)*cpg)*p.H*p.W]
			for q0 := 0; q0 < ohw; q0 += tile {
				q1 := min(q0+tile, ohw)
				a := patches[:(q1-q0)*k]
				im2row(&p.Conv2DParams, a, xg, cpg, q0, q1, T(p.XZero))
				c := acc[:(q1-q0)*opg]
				if p.Packed != nil {
					qgemm(q1-q0, a, k, p.XZero, p.Packed[g], c, opg)
				} else {
					qgemmRef(q1-q0, opg, k, a, p.XZero, w[g*opg*k:(g+1)*opg*k], c)
				}
				// Requantise the tile as simd does it (the bits of
				// requantOne), position-major as the product left it,
				// then write it out channel-major.
				rq := simd.Requant{Scale: p.Mult[g*opg : (g+1)*opg], Zero: p.YZero}
				if bias != nil {
					rq.Bias = bias[g*opg : (g+1)*opg]
				}
				t := patches[:(q1-q0)*opg]
				requantTile(t, c, q1-q0, opg, &rq, lo)
				for o := 0; o < opg; o++ {
					oc := g*opg + o
					out := dst[(n*p.OutC+oc)*ohw+q0 : (n*p.OutC+oc)*ohw+q1]
					for i := range out {
						out[i] = t[i*opg+o]
					}
				}
			}
		}
	}
}

// requantTile requantises the m×n accumulators c into dst (m×n of T) with
// simd's row kernels; lo is T's lowest value, which tells int8 from uint8.
func requantTile[T Int8](dst []T, c []int32, m, n int, rq *simd.Requant, lo int32) {
	if m == 0 || n == 0 {
		return
	}
	b := unsafe.Slice((*uint8)(unsafe.Pointer(unsafe.SliceData(dst))), len(dst))
	if lo < 0 {
		simd.RequantI8(m, n, c, n, rq, unsafe.Slice((*int8)(unsafe.Pointer(unsafe.SliceData(b))), len(b)), n)
		return
	}
	simd.RequantU8(m, n, c, n, rq, b, n)
}

// im2row writes, for output positions [q0, q1) (row-major over OutH×OutW),
// one row of cpg·KH·KW patch values each, pad where the tap is outside: the
// A operand of the int8 convolution's GEMM.
func im2row[T Int8 | ~float32](p *Conv2DParams, a, xg []T, cpg, q0, q1 int, pad T) {
	// The geometry in locals: the compiler reloads fields through p after
	// every store into a, which cost more than the copying.
	ow, kh, kw := p.OutW(), p.KH, p.KW
	h, w, sh, sw, dh, dw := p.H, p.W, p.StrideH, p.StrideW, p.DilationH, p.DilationW
	pt, pl := p.PadTop, p.PadLeft
	k := cpg * kh * kw
	hw := h * w
	spanH, spanW := (kh-1)*dh, (kw-1)*dw
	three := kh == 3 && kw == 3 && dh == 1 && dw == 1
	for q := q0; q < q1; q++ {
		y, xo := q/ow, q%ow
		row := a[(q-q0)*k : (q-q0+1)*k]
		ih0, iw0 := y*sh-pt, xo*sw-pl
		if ih0 >= 0 && ih0+spanH < h && iw0 >= 0 && iw0+spanW < w {
			// The window lies inside the input (most positions): whole
			// rows of taps, no test per tap.
			if three {
				for c := 0; c < cpg; c++ {
					base := c*hw + ih0*w + iw0
					r0, r1, r2 := xg[base:base+3:base+3], xg[base+w:base+w+3:base+w+3], xg[base+2*w:base+2*w+3:base+2*w+3]
					d := row[9*c : 9*c+9 : 9*c+9]
					d[0], d[1], d[2] = r0[0], r0[1], r0[2]
					d[3], d[4], d[5] = r1[0], r1[1], r1[2]
					d[6], d[7], d[8] = r2[0], r2[1], r2[2]
				}
				continue
			}
			r := 0
			for c := 0; c < cpg; c++ {
				for i := 0; i < kh; i++ {
					base := c*hw + (ih0+i*dh)*w + iw0
					src := xg[base : base+spanW+1]
					for j := 0; j < kw; j++ {
						row[r] = src[j*dw]
						r++
					}
				}
			}
			continue
		}
		// A window on the border: taps [jlo, jhi) of each row are inside.
		jlo, jhi := 0, kw
		for jlo < kw && iw0+jlo*dw < 0 {
			jlo++
		}
		for jhi > jlo && iw0+(jhi-1)*dw >= w {
			jhi--
		}
		r := 0
		for c := 0; c < cpg; c++ {
			xc := xg[c*hw : (c+1)*hw]
			for i := 0; i < kh; i++ {
				d := row[r : r+kw]
				r += kw
				ih := ih0 + i*dh
				if ih < 0 || ih >= h {
					for j := range d {
						d[j] = pad
					}
					continue
				}
				src := xc[ih*w:]
				for j := range d {
					if j < jlo || j >= jhi {
						d[j] = pad
						continue
					}
					d[j] = src[iw0+j*dw]
				}
			}
		}
	}
}

// qgemmRef is the reference int8 GEMM, with simd's contract:
//
//	c[i*n+j] = Σ_{l<k} (int32(a[i*k+l]) - aZero) · int32(w[j*k+l])
//
// (w holds the n weight rows of length k, i.e. B transposed).
func qgemmRef[T Int8](m, n, k int, a []T, aZero int32, w []int8, c []int32) {
	for i := 0; i < m; i++ {
		ar := a[i*k : (i+1)*k]
		for j := 0; j < n; j++ {
			wr := w[j*k : (j+1)*k]
			wr = wr[:len(ar)]
			var s int32
			for l, v := range ar {
				s += (int32(v) - aZero) * int32(wr[l])
			}
			c[i*n+j] = s
		}
	}
}

// qgemm is simd's int8 GEMM for either activation type:
// c[i*ldc+j] = Σ_l (int32(a[i*lda+l]) - aZero)·B[l][j].
func qgemm[T Int8](m int, a []T, lda int, aZero int32, pb *simd.PackedI8B, c []int32, ldc int) {
	if lo, _ := qRange[T](); lo == 0 {
		simd.GemmU8I8(m, asU8(a), lda, aZero, pb, c, ldc)
	} else {
		simd.GemmI8I8(m, asI8(a), lda, aZero, pb, c, ldc)
	}
}

// asU8 and asI8 view a slice of T (whose underlying type they are called
// for) as the plain byte type simd's kernels take.
func asU8[T Int8](a []T) []uint8 {
	return unsafe.Slice((*uint8)(unsafe.Pointer(unsafe.SliceData(a))), len(a))
}

func asI8[T Int8](a []T) []int8 {
	return unsafe.Slice((*int8)(unsafe.Pointer(unsafe.SliceData(a))), len(a))
}

// QDenseParams describes an int8 fully connected layer: x Batch×In of T,
// w Out×In int8, bias Out int32 (or nil), dst Batch×Out of T.
type QDenseParams struct {
	DenseParams
	QuantParams
	// Packed, if not nil, holds w packed for simd's int8 GEMM (see Pack);
	// QDense then runs on the SIMD kernels with identical results.
	Packed *simd.PackedI8B
}

// Pack packs the Out×In int8 weights w of p for simd's int8 GEMM into
// p.Packed. Call it once at model load, after Validate; it allocates the
// packed copy. The packed weights are immutable and may be shared.
func (p *QDenseParams) Pack(w []int8) {
	p.Packed = simd.PackI8B(p.In, p.Out, w, p.In, true)
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
	if p.Packed != nil && (p.Packed.K() != p.In || p.Packed.N() != p.Out) {
		return fmt.Errorf("qdense: packed weights are %dx%d, want %dx%d", p.Packed.K(), p.Packed.N(), p.In, p.Out)
	}
	return checkMult(p.Mult)
}

// QDenseScratch is the int32 accumulator length QDense needs.
func QDenseScratch(p *QDenseParams) int { return p.Batch * p.Out }

// QDense is the int8 dense layer:
//
//	acc[b][o] = Σ_i (x[b][i] - XZero)·w[o][i]     (int32, via the int8 GEMM)
//	dst[b][o] = clamp(roundHalfEven(float32(acc + bias[o])·Mult[o]) + YZero)
//
// With p.Packed set (see Pack), w is not read: the products come from
// simd's int8 GEMM and the requantisation from simd's RequantU8/RequantI8,
// whose contract (int32 bias add, one float32 product, clamp, round half to
// even, add the zero point) gives the same bytes as requantOne.
func QDense[T Int8](p *QDenseParams, dst, x []T, w []int8, bias []int32, acc []int32) {
	lo, hi := qRange[T]()
	if p.Batch == 0 {
		return
	}
	if p.Packed != nil {
		qgemm(p.Batch, x, p.In, p.XZero, p.Packed, acc, p.Out)
		rq := simd.Requant{Scale: p.Mult, Bias: bias, Zero: p.YZero}
		if lo == 0 {
			simd.RequantU8(p.Batch, p.Out, acc, p.Out, &rq, asU8(dst), p.Out)
		} else {
			simd.RequantI8(p.Batch, p.Out, acc, p.Out, &rq, asI8(dst), p.Out)
		}
		return
	}
	qgemmRef(p.Batch, p.Out, p.In, x, p.XZero, w, acc)
	for b := 0; b < p.Batch; b++ {
		for o := 0; o < p.Out; o++ {
			a := acc[b*p.Out+o]
			if bias != nil {
				a += bias[o]
			}
			dst[b*p.Out+o] = T(requantOne(a, p.Mult[o], p.YZero, lo, hi))
		}
	}
}
