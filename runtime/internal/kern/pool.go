package kern

import (
	"fmt"
	"math"

	"github.com/edgerun/edgerun/simd"
)

// Pool2DParams describes max or average pooling of an N×C×H×W tensor with a
// KH×KW window (torch.nn.MaxPool2d / AvgPool2d with ceil_mode=False and no
// dilation). 1-D pooling is the case H = 1, KH = 1. Each padding must be at
// most half the window, as PyTorch requires, so every window holds at
// least one input element.
type Pool2DParams struct {
	N, C, H, W                           int
	KH, KW                               int
	StrideH, StrideW                     int
	PadTop, PadBottom, PadLeft, PadRight int
	// CountIncludePad makes AvgPool2D divide by the whole window (KH·KW)
	// rather than by the number of input elements it covers; PyTorch's
	// default is true.
	CountIncludePad bool
	// Relu makes MaxPool2D write max(window maximum, 0): the pooling of a
	// ReLU's output computed from the ReLU's input (the two commute), so
	// that a graph's ReLU before a max pool costs no pass of its own.
	Relu bool
}

// OutH and OutW are the output sizes, floor((H + pads - KH)/StrideH) + 1.
func (p *Pool2DParams) OutH() int { return (p.H+p.PadTop+p.PadBottom-p.KH)/p.StrideH + 1 }
func (p *Pool2DParams) OutW() int { return (p.W+p.PadLeft+p.PadRight-p.KW)/p.StrideW + 1 }

// Validate reports whether p describes a computable pooling.
func (p *Pool2DParams) Validate() error {
	switch {
	case p.N < 0 || p.C < 1 || p.H < 1 || p.W < 1 || p.KH < 1 || p.KW < 1 || p.StrideH < 1 || p.StrideW < 1:
		return fmt.Errorf("pool2d: bad params %+v", *p)
	case p.PadTop < 0 || p.PadBottom < 0 || p.PadLeft < 0 || p.PadRight < 0 ||
		2*p.PadTop > p.KH || 2*p.PadBottom > p.KH || 2*p.PadLeft > p.KW || 2*p.PadRight > p.KW:
		return fmt.Errorf("pool2d: padding must be between 0 and half the window")
	}
	if err := checkDims(p.N, p.C, p.H, p.W); err != nil {
		return fmt.Errorf("pool2d: %w", err)
	}
	if err := checkDims(p.KH, p.KW, p.StrideH, p.StrideW); err != nil {
		return fmt.Errorf("pool2d: %w", err)
	}
	if p.H+p.PadTop+p.PadBottom < p.KH || p.W+p.PadLeft+p.PadRight < p.KW {
		return fmt.Errorf("pool2d: window %dx%d larger than padded input", p.KH, p.KW)
	}
	return nil
}

// MaxPool2D writes the maximum of each window (padding never wins), maxed
// with zero when p.Relu is set. NaN wins, as in PyTorch.
func MaxPool2D(p *Pool2DParams, dst, x []float32) {
	oh, ow := p.OutH(), p.OutW()
	if p.KH == 2 && p.KW == 2 && p.StrideH == 2 && p.StrideW == 2 &&
		p.PadTop == 0 && p.PadLeft == 0 && 2*oh <= p.H && 2*ow <= p.W {
		// The 2×2/2 pooling of nearly every CNN: no window is clipped.
		simd.MaxPool2x2(dst, x, p.N*p.C, p.H, p.W, ow, p.Relu)
		return
	}
	if p.KH == 3 && p.KW == 3 && p.StrideH == 2 && p.StrideW == 2 {
		maxPool3x3s2(p, dst, x)
		return
	}
	if p.W > maxPoolRowBuf {
		maxPoolDirect(p, dst, x)
		return
	}
	maxPoolRows(p, dst, x)
}

// maxPool3x3s2 is the 3×3/2 pooling of ResNet stems: the outputs whose
// windows lie inside the row go to simd.MaxPool3x3s2 (a window clipped at
// the top or bottom repeats a row, which the maximum ignores), those at
// the ends of a row are done here.
func maxPool3x3s2(p *Pool2DParams, dst, x []float32) {
	oh, ow := p.OutH(), p.OutW()
	hw := p.H * p.W
	xlo, xhi := validRange(-p.PadLeft, 2, p.W-2, ow)
	var rows [3][]float32
	for nc := 0; nc < p.N*p.C; nc++ {
		src := x[nc*hw : (nc+1)*hw]
		out := dst[nc*oh*ow : (nc+1)*oh*ow]
		for y := 0; y < oh; y++ {
			y0 := 2*y - p.PadTop
			ya, yb := max(y0, 0), min(y0+3, p.H)
			for k := range rows {
				r := min(ya+k, yb-1)
				rows[k] = src[r*p.W : (r+1)*p.W]
			}
			o := out[y*ow : (y+1)*ow]
			if xhi > xlo {
				c0 := 2*xlo - p.PadLeft
				simd.MaxPool3x3s2(o[xlo:xhi], rows[0][c0:], rows[1][c0:], rows[2][c0:], p.Relu)
			}
			for xo := 0; xo < ow; xo++ {
				if xo == xlo && xhi > xlo {
					if xo = xhi; xo == ow {
						break
					}
				}
				x0 := 2*xo - p.PadLeft
				m := float32(math.Inf(-1))
				for _, r := range rows {
					for _, v := range r[max(x0, 0):min(x0+3, p.W)] {
						m = max(m, v)
					}
				}
				if p.Relu {
					m = max(m, 0)
				}
				o[xo] = m
			}
		}
	}
}

// AvgPool2D writes the mean of each window (see CountIncludePad).
func AvgPool2D(p *Pool2DParams, dst, x []float32) {
	oh, ow := p.OutH(), p.OutW()
	hw := p.H * p.W
	for nc := 0; nc < p.N*p.C; nc++ {
		src := x[nc*hw : (nc+1)*hw]
		out := dst[nc*oh*ow : (nc+1)*oh*ow]
		for y := 0; y < oh; y++ {
			y0 := y*p.StrideH - p.PadTop
			ya, yb := max(y0, 0), min(y0+p.KH, p.H)
			for xo := 0; xo < ow; xo++ {
				x0 := xo*p.StrideW - p.PadLeft
				xa, xb := max(x0, 0), min(x0+p.KW, p.W)
				var s float32
				for i := ya; i < yb; i++ {
					for _, v := range src[i*p.W+xa : i*p.W+xb] {
						s += v
					}
				}
				cnt := (yb - ya) * (xb - xa)
				if p.CountIncludePad {
					cnt = p.KH * p.KW
				}
				out[y*ow+xo] = s / float32(cnt)
			}
		}
	}
}

// GlobalAvgPool writes the mean of each of rows contiguous runs of spatial
// values (N·C rows of H·W for NCHW), accumulated in float64.
func GlobalAvgPool(dst, x []float32, rows, spatial int) {
	for r := 0; r < rows; r++ {
		var s float64
		for _, v := range x[r*spatial : (r+1)*spatial] {
			s += float64(v)
		}
		dst[r] = float32(s / float64(spatial))
	}
}

// UpsampleParams describes nearest-neighbour upsampling of an N×C×H×W
// tensor by integer factors (torch.nn.Upsample(mode="nearest") with integer
// scale_factor); 1-D is H = 1, ScaleH = 1.
type UpsampleParams struct {
	N, C, H, W     int
	ScaleH, ScaleW int
}

// Validate reports whether p describes a computable upsampling.
func (p *UpsampleParams) Validate() error {
	if p.N < 0 || p.C < 1 || p.H < 1 || p.W < 1 || p.ScaleH < 1 || p.ScaleW < 1 {
		return fmt.Errorf("upsample: bad params %+v", *p)
	}
	return checkDims(p.N, p.C, p.H, p.W, p.ScaleH, p.ScaleW)
}

// UpsampleNearest writes dst[n][c][y][x] = x[n][c][y/ScaleH][x/ScaleW] into
// the N×C×(H·ScaleH)×(W·ScaleW) dst.
func UpsampleNearest(p *UpsampleParams, dst, x []float32) {
	ow := p.W * p.ScaleW
	for nc := 0; nc < p.N*p.C; nc++ {
		src := x[nc*p.H*p.W : (nc+1)*p.H*p.W]
		out := dst[nc*p.H*p.ScaleH*ow : (nc+1)*p.H*p.ScaleH*ow]
		for y := 0; y < p.H; y++ {
			row := out[y*p.ScaleH*ow : (y*p.ScaleH+1)*ow]
			for i, v := range src[y*p.W : (y+1)*p.W] {
				for k := 0; k < p.ScaleW; k++ {
					row[i*p.ScaleW+k] = v
				}
			}
			for k := 1; k < p.ScaleH; k++ {
				copy(out[(y*p.ScaleH+k)*ow:(y*p.ScaleH+k+1)*ow], row)
			}
		}
	}
}

// maxPoolRowBuf bounds the input width that maxPoolRows pools through a
// row buffer on the stack.
const maxPoolRowBuf = 1024

// maxPoolRows is max pooling of any window, output row by output row: the
// window's input rows are first reduced to one row (independent maxima,
// which pipeline), then each output takes the maximum of its columns of
// that row.
func maxPoolRows(p *Pool2DParams, dst, x []float32) {
	oh, ow := p.OutH(), p.OutW()
	hw := p.H * p.W
	var buf [maxPoolRowBuf]float32
	rb := buf[:p.W]
	// Output columns [xlo, xhi) have windows inside the row.
	xlo, xhi := validRange(-p.PadLeft, p.StrideW, p.W-p.KW+1, ow)
	for nc := 0; nc < p.N*p.C; nc++ {
		src := x[nc*hw : (nc+1)*hw]
		out := dst[nc*oh*ow : (nc+1)*oh*ow]
		for y := 0; y < oh; y++ {
			y0 := y*p.StrideH - p.PadTop
			ya, yb := max(y0, 0), min(y0+p.KH, p.H)
			o := out[y*ow : (y+1)*ow]
			if ya >= yb {
				for xo := range o {
					o[xo] = float32(math.Inf(-1))
				}
				continue
			}
			copy(rb, src[ya*p.W:(ya+1)*p.W])
			for i := ya + 1; i < yb; i++ {
				r := src[i*p.W : (i+1)*p.W]
				r = r[:len(rb)]
				for t, v := range r {
					rb[t] = max(rb[t], v)
				}
			}
			for xo := range o {
				if xo >= xlo && xo < xhi && p.KW == 3 {
					x0 := xo*p.StrideW - p.PadLeft
					w := rb[x0 : x0+3 : x0+3]
					o[xo] = max(max(w[0], w[1]), w[2])
					continue
				}
				x0 := xo*p.StrideW - p.PadLeft
				m := float32(math.Inf(-1))
				for _, v := range rb[max(x0, 0):min(x0+p.KW, p.W)] {
					m = max(m, v)
				}
				o[xo] = m
			}
			if p.Relu {
				reluRow(o)
			}
		}
	}
}

func reluRow(o []float32) {
	for i, v := range o {
		o[i] = max(v, 0)
	}
}

// maxPoolDirect is max pooling window by window, for rows too wide for
// maxPoolRows' buffer.
func maxPoolDirect(p *Pool2DParams, dst, x []float32) {
	oh, ow := p.OutH(), p.OutW()
	hw := p.H * p.W
	for nc := 0; nc < p.N*p.C; nc++ {
		src := x[nc*hw : (nc+1)*hw]
		out := dst[nc*oh*ow : (nc+1)*oh*ow]
		for y := 0; y < oh; y++ {
			y0 := y*p.StrideH - p.PadTop
			ya, yb := max(y0, 0), min(y0+p.KH, p.H)
			for xo := 0; xo < ow; xo++ {
				x0 := xo*p.StrideW - p.PadLeft
				xa, xb := max(x0, 0), min(x0+p.KW, p.W)
				m := float32(math.Inf(-1))
				for i := ya; i < yb; i++ {
					for _, v := range src[i*p.W+xa : i*p.W+xb] {
						m = max(m, v)
					}
				}
				out[y*ow+xo] = m
			}
			if p.Relu {
				reluRow(out[y*ow : y*ow+ow])
			}
		}
	}
}
