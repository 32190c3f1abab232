package runtime

import (
	"encoding/json"
	"fmt"
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
	g := a.Groups
	if x[1]%g != 0 || w[0]%g != 0 || w[1]*g != x[1] {
		return nil, fmt.Errorf("input %v, weight %v and groups %d disagree on channels", x, w, g)
	}
	if len(in) > 2 && in[2].DType != DTypeInvalid && (len(in[2].Shape) != 1 || in[2].Shape[0] != w[0]) {
		return nil, fmt.Errorf("bias %v, want [%d]", in[2].Shape, w[0])
	}
	out := []int{x[0], w[0]}
	for i := 0; i < r; i++ {
		span := a.dilation[i]*(w[2+i]-1) + 1
		o := (x[2+i]+a.padBegin[i]+a.padEnd[i]-span)/a.stride[i] + 1
		if w[2+i] < 1 || x[2+i]+a.padBegin[i]+a.padEnd[i] < span {
			return nil, fmt.Errorf("kernel %v does not fit input %v with padding %v/%v", w[2:], x[2:], a.padBegin, a.padEnd)
		}
		out = append(out, o)
	}
	return vt(F32, out...)
}

// conv2dParams describes one convolution over NCHW data; conv1d runs as
// conv2d with unit height.
type conv2dParams struct {
	n, c, h, w       int // input
	m, kh, kw        int // weight [m, c/groups, kh, kw]
	oh, ow           int
	sh, sw, dh, dw   int
	pt, pl           int
	groups           int
	x, wt, bias, out []float32
}

func convPrepare(attrs any, in, out []*Tensor, e *env) (func(), error) {
	a := attrs.(*convAttrs)
	xs, ws, ys := in[0].shape, in[1].shape, out[0].shape
	p := &conv2dParams{
		n: xs[0], c: xs[1], m: ws[0], groups: a.Groups,
		h: 1, w: xs[2], kh: 1, kw: ws[2], oh: 1, ow: ys[2],
		sh: 1, sw: a.stride[0], dh: 1, dw: a.dilation[0], pl: a.padBegin[0],
		x: in[0].F32(), wt: in[1].F32(), out: out[0].F32(),
	}
	if a.rank == 2 {
		p.h, p.w, p.kh, p.kw, p.oh, p.ow = xs[2], xs[3], ws[2], ws[3], ys[2], ys[3]
		p.sh, p.sw, p.dh, p.dw, p.pt, p.pl = a.stride[0], a.stride[1], a.dilation[0], a.dilation[1], a.padBegin[0], a.padBegin[1]
	}
	if len(in) > 2 && in[2] != nil {
		p.bias = in[2].F32()
	}
	// Split over (image, output channel) planes; each is independent.
	planes := p.n * p.m
	grain := max(1, (1<<15)/max(1, p.oh*p.ow*p.kh*p.kw*(p.c/p.groups)))
	body := func(lo, hi int) { conv2dF32(p, lo, hi) }
	return func() { e.pool.parallel(planes, grain, body) }, nil
}

func init() {
	register(&opDef{name: "conv1d", minIn: 2, maxIn: 3, nOut: 1, parse: convParser(1), infer: convInfer, prepare: convPrepare})
	register(&opDef{name: "conv2d", minIn: 2, maxIn: 3, nOut: 1, parse: convParser(2), infer: convInfer, prepare: convPrepare})
}
