package runtime

import (
	"encoding/json"
	"fmt"

	"github.com/edgerun/edgerun/runtime/internal/kern"
	"github.com/edgerun/edgerun/simd"
)

// convAttrs are the attributes of conv1d and conv2d (layout NCL / NCHW,
// weights [out, in/groups, k...] as in PyTorch). Stride, dilation and
// padding take one value for every spatial dimension or one per dimension;
// padding may also give begin and end per dimension ([top, left, bottom,
// right] for conv2d).
type convAttrs struct {
	Stride   ints `json:"stride"`
	Padding  ints `json:"padding"`
	Dilation ints `json:"dilation"`
	Groups   int  `json:"groups"`

	rank             int
	stride, dilation []int
	padBegin, padEnd []int
}

func convParser(rank int) func(json.RawMessage) (any, error) {
	p := attrParser(convAttrs{Stride: ints{1}, Padding: ints{0}, Dilation: ints{1}, Groups: 1})
	return func(raw json.RawMessage) (any, error) {
		v, err := p(raw)
		if err != nil {
			return nil, err
		}
		a := v.(*convAttrs)
		a.rank = rank
		if a.stride, err = a.Stride.expand(rank, "stride"); err != nil {
			return nil, fmt.Errorf("attributes: %v", err)
		}
		if a.dilation, err = a.Dilation.expand(rank, "dilation"); err != nil {
			return nil, fmt.Errorf("attributes: %v", err)
		}
		if len(a.Padding) == 2*rank {
			a.padBegin, a.padEnd = append([]int(nil), a.Padding[:rank]...), append([]int(nil), a.Padding[rank:]...)
		} else {
			if a.padBegin, err = a.Padding.expand(rank, "padding"); err != nil {
				return nil, fmt.Errorf("attributes: %v", err)
			}
			a.padEnd = a.padBegin
		}
		for i := 0; i < rank; i++ {
			if a.stride[i] < 1 || a.stride[i] > 1<<16 || a.dilation[i] < 1 || a.dilation[i] > 1<<16 {
				return nil, fmt.Errorf("attributes: stride %v and dilation %v must be in [1, 65536]", a.stride, a.dilation)
			}
			if a.padBegin[i] < 0 || a.padEnd[i] < 0 || a.padBegin[i] > 1<<16 || a.padEnd[i] > 1<<16 {
				return nil, fmt.Errorf("attributes: padding %v must be in [0, 65536]", []int(a.Padding))
			}
		}
		if a.Groups < 1 {
			return nil, fmt.Errorf("attributes: groups %d < 1", a.Groups)
		}
		return a, nil
	}
}

// convParams maps the attributes and the input and weight shapes onto the
// kernel's description of a 2-D convolution (conv1d is a 1×L image).
func convParams(a *convAttrs, x, w []int) kern.Conv2DParams {
	p := kern.Conv2DParams{N: x[0], C: x[1], OutC: w[0], Groups: a.Groups,
		H: 1, W: x[2], KH: 1, KW: w[2], StrideH: 1, StrideW: a.stride[0], DilationH: 1, DilationW: a.dilation[0],
		PadLeft: a.padBegin[0], PadRight: a.padEnd[0]}
	if a.rank == 2 {
		p.H, p.W, p.KH, p.KW = x[2], x[3], w[2], w[3]
		p.StrideH, p.StrideW, p.DilationH, p.DilationW = a.stride[0], a.stride[1], a.dilation[0], a.dilation[1]
		p.PadTop, p.PadBottom, p.PadLeft, p.PadRight = a.padBegin[0], a.padEnd[0], a.padBegin[1], a.padEnd[1]
	}
	return p
}

func convInfer(attrs any, in []ValueType) ([]ValueType, error) {
	a := attrs.(*convAttrs)
	if err := allF32(in); err != nil {
		return nil, err
	}
	x, w := in[0].Shape, in[1].Shape
	r := a.rank
	if len(x) != r+2 || len(w) != r+2 {
		return nil, fmt.Errorf("input %v and weight %v must have rank %d", x, w, r+2)
	}
	if w[1]*a.Groups != x[1] {
		return nil, fmt.Errorf("input %v, weight %v and groups %d disagree on channels", x, w, a.Groups)
	}
	if len(in) > 2 && in[2].DType != DTypeInvalid && (len(in[2].Shape) != 1 || in[2].Shape[0] != w[0]) {
		return nil, fmt.Errorf("bias %v, want [%d]", in[2].Shape, w[0])
	}
	p := convParams(a, x, w)
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if r == 1 {
		return vt(F32, p.N, p.OutC, p.OutW())
	}
	return vt(F32, p.N, p.OutC, p.OutH(), p.OutW())
}

// convGemm reports whether a convolution runs as ConvGemm: its weights (and
// bias, if any) are initializers, packed once per session with the bias
// folded in, and it is not depthwise.
func convGemm(p *kern.Conv2DParams, wConst, biasConst bool) bool {
	return wConst && biasConst && p.GemmPath() && !convPointwise(p, wConst, biasConst)
}

// pointwiseMaxOut is the most output channels simd.Pointwise takes: it
// reads each strip of the input once per four channels, which a wider
// layer's product, reusing it across six rows of packed weights, beats.
const pointwiseMaxOut = 16

// convPointwise reports whether the convolution runs as simd.Pointwise: a
// 1×1 window at stride 1 without padding, one group, constant weights and
// bias, and few output channels, such as the projection of WaLLoC's
// encoder onto its latent channels; on a CPU where Pointwise has a vector
// kernel (elsewhere the product's kernels are faster).
func convPointwise(p *kern.Conv2DParams, wConst, biasConst bool) bool {
	return simd.PointwiseVectorised() && wConst && biasConst && p.KH == 1 && p.KW == 1 && p.StrideH == 1 && p.StrideW == 1 &&
		p.PadTop == 0 && p.PadBottom == 0 && p.PadLeft == 0 && p.PadRight == 0 && p.Groups == 1 &&
		p.OutC <= pointwiseMaxOut && p.Validate() == nil
}

// pointwiseColumns is the fewest output positions a thread takes.
const pointwiseColumns = 512

// convScratch is the padded copy of the input for ConvGemm, or one im2col
// tile per worker for the GEMM path: threads split the batch, one image
// each at a time, or for a single image with one group the output
// channels.
func convScratch(attrs any, in []ValueType, threads int) int {
	p := convParams(attrs.(*convAttrs), in[0].Shape, in[1].Shape)
	biasConst := len(in) < 3 || in[2].DType == DTypeInvalid || in[2].init != nil
	if convPointwise(&p, in[1].init != nil, biasConst) {
		return 0
	}
	if convGemm(&p, in[1].init != nil, biasConst) {
		// Sizes only: the packing itself happens in prepare.
		return p.GemmScratchLen(threads)
	}
	if p.N == 1 && p.Groups == 1 {
		return kern.Conv2DScratch(&p) * threads
	}
	return kern.Conv2DScratch(&p) * min(threads, max(p.N, 1))
}

// convChannelBlock is the fewest output channels a thread takes when a
// single image's convolution is split by channel.
const convChannelBlock = 8

// convColumnBlock is the column granularity of ConvGemm split across
// threads: whole panels of every microkernel width.
const convColumnBlock = 64

func convPrepare(attrs any, in, out []*Tensor, e *env) (func(), error) {
	p := convParams(attrs.(*convAttrs), in[0].shape, in[1].shape)
	x, w, y := in[0].F32(), in[1].F32(), out[0].F32()
	var bias []float32
	if len(in) > 2 && in[2] != nil {
		bias = in[2].F32()
	}
	biasConst := bias == nil || (len(e.constIn) > 2 && e.constIn[2])
	if convPointwise(&p, len(e.constIn) > 1 && e.constIn[1], biasConst) {
		if e.reluIn || e.relu || e.maxPool2 {
			return nil, fmt.Errorf("a ReLU or pool was folded into a pointwise convolution")
		}
		pw := simd.PackPointwise(w, bias, p.OutC, p.C)
		hw, c, m := p.H*p.W, p.C, p.OutC
		body := func(_, lo, hi int) {
			for img := range p.N {
				simd.Pointwise(y[img*m*hw+lo:], hw, pw, x[img*c*hw+lo:], hw, hi-lo)
			}
		}
		return func() { e.pool.parallel(hw, pointwiseColumns, body) }, nil
	}
	if convGemm(&p, len(e.constIn) > 1 && e.constIn[1], biasConst) {
		return convGemmPrepare(&p, x, w, bias, y, e)
	}
	if e.maxPool2 {
		return nil, fmt.Errorf("a max pool was folded into a convolution that does not run as ConvGemm")
	}
	if e.pool != nil && p.N == 1 && p.Groups == 1 && p.OutC >= 2*convChannelBlock {
		// Each worker computes a block of output channels: its rows of
		// the weights and bias, its planes of the output.
		sc := kern.Conv2DScratch(&p)
		plane, wlen := p.OutH()*p.OutW(), p.WeightLen()/p.OutC
		body := func(worker, lo, hi int) {
			q := p
			q.OutC = hi - lo
			var b []float32
			if bias != nil {
				b = bias[lo:hi]
			}
			kern.Conv2D(&q, y[lo*plane:hi*plane], x, w[lo*wlen:hi*wlen], b, e.scratch[worker*sc:(worker+1)*sc])
		}
		return func() { e.pool.parallel(p.OutC, convChannelBlock, body) }, nil
	}
	if e.pool == nil || p.N < 2 {
		scratch := e.scratch[:kern.Conv2DScratch(&p)]
		return func() { kern.Conv2D(&p, y, x, w, bias, scratch) }, nil
	}
	one := p
	one.N = 1
	inLen, outLen, sc := one.InputLen(), one.OutputLen(), kern.Conv2DScratch(&one)
	body := func(worker, lo, hi int) {
		scratch := e.scratch[worker*sc : (worker+1)*sc]
		for i := lo; i < hi; i++ {
			kern.Conv2D(&one, y[i*outLen:(i+1)*outLen], x[i*inLen:(i+1)*inLen], w, bias, scratch)
		}
	}
	return func() { e.pool.parallel(p.N, 1, body) }, nil
}

// convGemmPrepare packs the weights for ConvGemm and returns the run: pad
// the input (when the convolution pads), then one product per group whose
// columns (the batch's output positions) are split among the threads.
func convGemmPrepare(p *kern.Conv2DParams, x, w, bias, y []float32, e *env) (func(), error) {
	cg := kern.NewConvGemm(p, w, bias)
	if e.reluIn {
		if !cg.CanReluInput() {
			return nil, fmt.Errorf("a ReLU was folded into a convolution that does not copy its input")
		}
		cg.ReluInput = true
	}
	if e.maxPool2 {
		if err := cg.PoolOutput(e.relu); err != nil {
			return nil, err
		}
	}
	if cg.Winograd() {
		// Chunks of tiles split among the threads, each padding the
		// images it reads into its own scratch.
		workers := max(1, e.threads)
		scratch := e.scratch[:p.GemmScratchLen(workers)]
		ws := make([]*kern.WinoWorker, workers)
		for i := range ws {
			ws[i] = cg.NewWinoWorker(scratch, i)
		}
		body := func(worker, lo, hi int) { cg.RunWino(y, x, ws[worker], lo, hi) }
		units := cg.WinoUnits()
		return func() { e.pool.parallel(units, 1, body) }, nil
	}
	src := x
	var xp []float32
	if n := cg.PadLen(); n > 0 {
		xp = e.scratch[:n]
		src = xp
	}
	workers := max(1, e.threads)
	srcs := make([][]*kern.ConvSource, workers)
	for i := range srcs {
		for g := 0; g < p.Groups; g++ {
			srcs[i] = append(srcs[i], cg.Source(src, g))
		}
	}
	cols, n := cg.Columns(), p.N
	units := (cols + convColumnBlock - 1) / convColumnBlock
	pad := func(_, lo, hi int) { cg.Pad(xp, x, lo, hi) }
	if cg.Direct() {
		// One input channel: outputs straight from the input, images
		// split among the threads.
		direct := func(_, lo, hi int) { cg.RunDirect(y, src, lo, hi) }
		return func() {
			if xp != nil {
				e.pool.parallel(n, 1, pad)
			}
			e.pool.parallel(n, 1, direct)
		}, nil
	}
	body := func(worker, lo, hi int) {
		cg.Run(y, srcs[worker], lo*convColumnBlock, min(hi*convColumnBlock, cols))
	}
	return func() {
		if xp != nil {
			e.pool.parallel(n, 1, pad)
		}
		e.pool.parallel(units, 1, body)
	}, nil
}

func init() {
	register(&opDef{name: "conv1d", minIn: 2, maxIn: 3, nOut: 1, parse: convParser(1), infer: convInfer, scratch: convScratch, prepare: convPrepare})
	register(&opDef{name: "conv2d", minIn: 2, maxIn: 3, nOut: 1, parse: convParser(2), infer: convInfer, scratch: convScratch, prepare: convPrepare})
}
