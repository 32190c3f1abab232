package kern

import "fmt"

// Conv2DParams describes a 2-D convolution (cross-correlation, as
// torch.nn.Conv2d) of an NCHW input with OIHW weights.
//
// Input x is N×C×H×W, weights w are OutC×(C/Groups)×KH×KW, bias is OutC
// (or nil) and the output dst is N×OutC×OutH()×OutW(). Strides, dilations
// and groups must be at least 1; paddings are zeros added on each side.
type Conv2DParams struct {
	N, C, H, W                           int
	OutC                                 int
	KH, KW                               int
	StrideH, StrideW                     int
	PadTop, PadBottom, PadLeft, PadRight int
	DilationH, DilationW                 int
	Groups                               int
}

// OutH is the output height: (H + PadTop + PadBottom - DilationH·(KH-1) - 1)/StrideH + 1.
func (p *Conv2DParams) OutH() int {
	return (p.H+p.PadTop+p.PadBottom-p.DilationH*(p.KH-1)-1)/p.StrideH + 1
}

// OutW is the output width, as OutH along W.
func (p *Conv2DParams) OutW() int {
	return (p.W+p.PadLeft+p.PadRight-p.DilationW*(p.KW-1)-1)/p.StrideW + 1
}

// WeightLen is the number of weights: OutC·(C/Groups)·KH·KW.
func (p *Conv2DParams) WeightLen() int { return p.OutC * (p.C / p.Groups) * p.KH * p.KW }

// InputLen and OutputLen are the element counts of x and dst.
func (p *Conv2DParams) InputLen() int  { return p.N * p.C * p.H * p.W }
func (p *Conv2DParams) OutputLen() int { return p.N * p.OutC * p.OutH() * p.OutW() }

// Validate reports whether the parameters describe a computable convolution
// whose every buffer size fits in an int.
func (p *Conv2DParams) Validate() error {
	switch {
	case p.N < 0 || p.C < 1 || p.H < 1 || p.W < 1 || p.OutC < 1:
		return fmt.Errorf("conv2d: bad shape N=%d C=%d H=%d W=%d OutC=%d", p.N, p.C, p.H, p.W, p.OutC)
	case p.KH < 1 || p.KW < 1:
		return fmt.Errorf("conv2d: bad kernel %dx%d", p.KH, p.KW)
	case p.StrideH < 1 || p.StrideW < 1:
		return fmt.Errorf("conv2d: bad stride %dx%d", p.StrideH, p.StrideW)
	case p.DilationH < 1 || p.DilationW < 1:
		return fmt.Errorf("conv2d: bad dilation %dx%d", p.DilationH, p.DilationW)
	case p.PadTop < 0 || p.PadBottom < 0 || p.PadLeft < 0 || p.PadRight < 0:
		return fmt.Errorf("conv2d: negative padding")
	case p.Groups < 1 || p.C%p.Groups != 0 || p.OutC%p.Groups != 0:
		return fmt.Errorf("conv2d: %d groups do not divide C=%d and OutC=%d", p.Groups, p.C, p.OutC)
	}
	if err := checkDims(p.N, p.C, p.H, p.W); err != nil {
		return fmt.Errorf("conv2d: input: %w", err)
	}
	if err := checkDims(p.KH, p.KW, p.DilationH, p.DilationW, p.StrideH, p.StrideW, p.PadTop, p.PadBottom, p.PadLeft, p.PadRight); err != nil {
		return fmt.Errorf("conv2d: %w", err)
	}
	if p.H+p.PadTop+p.PadBottom < p.DilationH*(p.KH-1)+1 || p.W+p.PadLeft+p.PadRight < p.DilationW*(p.KW-1)+1 {
		return fmt.Errorf("conv2d: dilated kernel %dx%d larger than padded input %dx%d",
			p.DilationH*(p.KH-1)+1, p.DilationW*(p.KW-1)+1, p.H+p.PadTop+p.PadBottom, p.W+p.PadLeft+p.PadRight)
	}
	if err := checkDims(p.N, p.OutC, p.OutH(), p.OutW()); err != nil {
		return fmt.Errorf("conv2d: output: %w", err)
	}
	if err := checkDims(p.OutC, p.C/p.Groups, p.KH, p.KW); err != nil {
		return fmt.Errorf("conv2d: weights: %w", err)
	}
	if err := checkDims(p.C/p.Groups, p.KH, p.KW, p.OutW(), p.OutH()); err != nil {
		return fmt.Errorf("conv2d: scratch: %w", err)
	}
	return nil
}

// im2colTarget bounds one im2col tile (floats): the tile and the GEMM's B
// panel then stay in L2.
const im2colTarget = 1 << 15

func (p *Conv2DParams) pointwise() bool {
	return p.KH == 1 && p.KW == 1 && p.StrideH == 1 && p.StrideW == 1 &&
		p.PadTop == 0 && p.PadBottom == 0 && p.PadLeft == 0 && p.PadRight == 0
}

func (p *Conv2DParams) depthwise() bool { return p.C == p.Groups }

// tileRows is the number of output rows per im2col tile.
func (p *Conv2DParams) tileRows() int {
	k := (p.C / p.Groups) * p.KH * p.KW
	r := im2colTarget / (k * p.OutW())
	return max(1, min(r, p.OutH()))
}

// Conv2DScratch is the scratch length (floats) Conv2D needs for p: zero for
// pointwise (1×1, stride 1, no padding) and depthwise convolutions, one
// im2col tile otherwise.
func Conv2DScratch(p *Conv2DParams) int {
	if p.pointwise() || p.depthwise() {
		return 0
	}
	if p.winograd() {
		return p.winoScratch()
	}
	return (p.C / p.Groups) * p.KH * p.KW * p.tileRows() * p.OutW()
}

// Conv2D computes
//
//	dst[n][o][y][x] = bias[o] + Σ_{c,i,j} w[o][c][i][j] · in[n][g·C/G+c][y·sh+i·dh-PadTop][x·sw+j·dw-PadLeft]
//
// with g = o/(OutC/Groups), c < C/Groups and in = 0 outside the input. bias
// may be nil. scratch must hold Conv2DScratch(p) floats. p must have passed
// Validate; dst must not overlap x.
//
// Paths: 1×1 stride-1 unpadded convolutions are one GEMM per group;
// depthwise (one input channel per group) run directly, row by row;
// stride-1 undilated 3×3 with at least 4 channels per group and 64 output
// tiles use Winograd
// F(2×2, 3×3) (16 GEMMs per chunk of tiles); all others go through im2col
// tiles of a few output rows (filled by row copies when the stride is 1)
// and a GEMM per tile.
func Conv2D(p *Conv2DParams, dst, x, w, bias, scratch []float32) {
	oh, ow := p.OutH(), p.OutW()
	ohw := oh * ow
	cpg, opg := p.C/p.Groups, p.OutC/p.Groups
	hw := p.H * p.W
	kk := cpg * p.KH * p.KW
	for n := 0; n < p.N; n++ {
		xn := x[n*p.C*hw : (n+1)*p.C*hw]
		dn := dst[n*p.OutC*ohw : (n+1)*p.OutC*ohw]
		switch {
		case p.pointwise():
			for g := 0; g < p.Groups; g++ {
				dg := dn[g*opg*ohw : (g+1)*opg*ohw]
				beta := fillBias(dg, bias, g*opg, opg, ohw, 0, ohw)
				gemm(false, false, opg, ohw, cpg, 1, w[g*opg*cpg:], cpg, xn[g*cpg*hw:], hw, beta, dg, ohw)
			}
		case p.depthwise():
			convDepthwise(p, dn, xn, w, bias)
		case p.winograd():
			convWinograd(p, dn, xn, w, bias, scratch)
		default:
			tr := p.tileRows()
			for g := 0; g < p.Groups; g++ {
				dg := dn[g*opg*ohw : (g+1)*opg*ohw]
				xg := xn[g*cpg*hw : (g+1)*cpg*hw]
				for y0 := 0; y0 < oh; y0 += tr {
					y1 := min(y0+tr, oh)
					cols := (y1 - y0) * ow
					col := scratch[:kk*cols]
					im2col(p, col, xg, cpg, y0, y1)
					beta := fillBias(dg, bias, g*opg, opg, ohw, y0*ow, cols)
					gemm(false, false, opg, cols, kk, 1, w[g*opg*kk:], kk, col, cols, beta, dg[y0*ow:], ohw)
				}
			}
		}
	}
}

// fillBias writes bias[o0+i] into columns [j0, j0+cols) of the first rows
// rows of c (row stride ldc) and returns the GEMM beta that keeps them (1),
// or 0 when there is no bias.
func fillBias(c, bias []float32, o0, rows, ldc, j0, cols int) float32 {
	if bias == nil {
		return 0
	}
	for i := 0; i < rows; i++ {
		row := c[i*ldc+j0 : i*ldc+j0+cols]
		b := bias[o0+i]
		for j := range row {
			row[j] = b
		}
	}
	return 1
}

// validRange returns the output indices [lo, hi) whose input coordinate
// o·stride + off lies in [0, size).
func validRange(off, stride, size, outSize int) (lo, hi int) {
	if off < 0 {
		lo = (-off + stride - 1) / stride
	}
	if size-1-off < 0 {
		return 0, 0
	}
	hi = min((size-1-off)/stride+1, outSize)
	if hi < lo {
		hi = lo
	}
	return lo, hi
}

// im2col fills col (kk rows × (y1-y0)·OutW columns) with the input patches of
// output rows [y0, y1) of one group: row (c, i, j), column (y, x) holds
// in[c][y·sh+i·dh-PadTop][x·sw+j·dw-PadLeft], or 0 in the padding.
func im2col(p *Conv2DParams, col, xg []float32, cpg, y0, y1 int) {
	ow := p.OutW()
	cols := (y1 - y0) * ow
	r := 0
	for c := 0; c < cpg; c++ {
		xc := xg[c*p.H*p.W : (c+1)*p.H*p.W]
		for i := 0; i < p.KH; i++ {
			for j := 0; j < p.KW; j++ {
				dstRow := col[r*cols : (r+1)*cols]
				r++
				offW := j*p.DilationW - p.PadLeft
				lo, hi := validRange(offW, p.StrideW, p.W, ow)
				for y := y0; y < y1; y++ {
					seg := dstRow[(y-y0)*ow : (y-y0+1)*ow]
					ih := y*p.StrideH + i*p.DilationH - p.PadTop
					if ih < 0 || ih >= p.H || lo >= hi {
						clear(seg)
						continue
					}
					clear(seg[:lo])
					clear(seg[hi:])
					src := xc[ih*p.W:]
					if p.StrideW == 1 {
						copy(seg[lo:hi], src[lo+offW:hi+offW])
					} else {
						for x := lo; x < hi; x++ {
							seg[x] = src[x*p.StrideW+offW]
						}
					}
				}
			}
		}
	}
}

// convDepthwise runs a convolution with one input channel per group
// directly: each output row accumulates KH·KW scaled input row segments.
func convDepthwise(p *Conv2DParams, dn, xn, w, bias []float32) {
	oh, ow := p.OutH(), p.OutW()
	mult := p.OutC / p.Groups
	kk := p.KH * p.KW
	for o := 0; o < p.OutC; o++ {
		xc := xn[(o/mult)*p.H*p.W : (o/mult+1)*p.H*p.W]
		wo := w[o*kk : (o+1)*kk]
		var b float32
		if bias != nil {
			b = bias[o]
		}
		do := dn[o*oh*ow : (o+1)*oh*ow]
		for y := 0; y < oh; y++ {
			out := do[y*ow : (y+1)*ow]
			for x := range out {
				out[x] = b
			}
			for i := 0; i < p.KH; i++ {
				ih := y*p.StrideH + i*p.DilationH - p.PadTop
				if ih < 0 || ih >= p.H {
					continue
				}
				src := xc[ih*p.W : (ih+1)*p.W]
				for j := 0; j < p.KW; j++ {
					wv := wo[i*p.KW+j]
					offW := j*p.DilationW - p.PadLeft
					lo, hi := validRange(offW, p.StrideW, p.W, ow)
					if lo >= hi {
						continue
					}
					if p.StrideW == 1 {
						s := src[lo+offW : hi+offW]
						seg := out[lo:hi]
						for x := range seg {
							seg[x] += wv * s[x]
						}
					} else {
						for x := lo; x < hi; x++ {
							out[x] += wv * src[x*p.StrideW+offW]
						}
					}
				}
			}
		}
	}
}

// Conv1DParams describes a 1-D convolution (torch.nn.Conv1d) of an N×C×L
// input with OutC×(C/Groups)×K weights; the output is N×OutC×OutL().
type Conv1DParams struct {
	N, C, L           int
	OutC              int
	K                 int
	Stride            int
	PadLeft, PadRight int
	Dilation          int
	Groups            int
}

// As2D returns the equivalent 2-D convolution over a 1×L image.
func (p *Conv1DParams) As2D() Conv2DParams {
	return Conv2DParams{N: p.N, C: p.C, H: 1, W: p.L, OutC: p.OutC, KH: 1, KW: p.K,
		StrideH: 1, StrideW: p.Stride, PadLeft: p.PadLeft, PadRight: p.PadRight,
		DilationH: 1, DilationW: p.Dilation, Groups: p.Groups}
}

// OutL is the output length.
func (p *Conv1DParams) OutL() int { q := p.As2D(); return q.OutW() }

// Validate reports whether p describes a computable convolution.
func (p *Conv1DParams) Validate() error {
	q := p.As2D()
	if err := q.Validate(); err != nil {
		return fmt.Errorf("conv1d: %w", err)
	}
	return nil
}

// Conv1DScratch is the scratch length Conv1D needs.
func Conv1DScratch(p *Conv1DParams) int { q := p.As2D(); return Conv2DScratch(&q) }

// Conv1D is Conv2D over a 1×L image (see Conv2D for the buffers).
func Conv1D(p *Conv1DParams, dst, x, w, bias, scratch []float32) {
	q := p.As2D()
	Conv2D(&q, dst, x, w, bias, scratch)
}
