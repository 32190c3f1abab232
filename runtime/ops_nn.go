package runtime

import (
	"fmt"
	"math"
)

// dense: y = x·wᵀ + b over the last axis of x, weights [out, in] as in
// PyTorch's Linear.
func denseInfer(_ any, in []ValueType) ([]ValueType, error) {
	if err := allF32(in); err != nil {
		return nil, err
	}
	x, w := in[0].Shape, in[1].Shape
	if len(x) < 1 || len(w) != 2 || x[len(x)-1] != w[1] {
		return nil, fmt.Errorf("input %v and weight %v (want [out, %s]) disagree", x, w, lastDim(x))
	}
	if len(in) > 2 && in[2].DType != DTypeInvalid && (len(in[2].Shape) != 1 || in[2].Shape[0] != w[0]) {
		return nil, fmt.Errorf("bias %v, want [%d]", in[2].Shape, w[0])
	}
	out := append(append([]int(nil), x[:len(x)-1]...), w[0])
	return vt(F32, out...)
}

func lastDim(s []int) string {
	if len(s) == 0 {
		return "?"
	}
	return fmt.Sprint(s[len(s)-1])
}

func densePrepare(_ any, in, out []*Tensor, e *env) (func(), error) {
	x, w, y := in[0].F32(), in[1].F32(), out[0].F32()
	var b []float32
	if len(in) > 2 && in[2] != nil {
		b = in[2].F32()
	}
	m, k := in[1].shape[0], in[1].shape[1]
	rows := 0
	if k > 0 {
		rows = len(x) / k
	} else {
		rows = len(y) / max(m, 1)
	}
	grain := max(1, (1<<15)/max(1, rows*k))
	body := func(lo, hi int) { denseF32(x, w, b, y, rows, k, m, lo, hi) }
	return func() { e.pool.parallel(m, grain, body) }, nil
}

// softmax along attribute "axis" (default -1).
type axisAttrs struct {
	Axis     int  `json:"axis"`
	Keepdims bool `json:"keepdims"`
}

func softmaxInfer(attrs any, in []ValueType) ([]ValueType, error) {
	if err := allF32(in); err != nil {
		return nil, err
	}
	if _, err := normAxis(attrs.(*axisAttrs).Axis, len(in[0].Shape)); err != nil {
		return nil, err
	}
	return []ValueType{in[0]}, nil
}

func softmaxPrepare(attrs any, in, out []*Tensor, _ *env) (func(), error) {
	s := in[0].shape
	ax, _ := normAxis(attrs.(*axisAttrs).Axis, len(s))
	outer, n, inner := prod(s[:ax]), s[ax], prod(s[ax+1:])
	x, y := in[0].F32(), out[0].F32()
	return func() { softmaxF32(x, y, outer, n, inner) }, nil
}

// argmax along "axis" (default -1), giving S32 indices; ties go to the
// first index.
func argmaxInfer(attrs any, in []ValueType) ([]ValueType, error) {
	a := attrs.(*axisAttrs)
	if err := allF32(in); err != nil {
		return nil, err
	}
	s := in[0].Shape
	ax, err := normAxis(a.Axis, len(s))
	if err != nil {
		return nil, err
	}
	if s[ax] == 0 {
		return nil, fmt.Errorf("argmax over an empty axis")
	}
	out := append([]int(nil), s[:ax]...)
	if a.Keepdims {
		out = append(out, 1)
	}
	out = append(out, s[ax+1:]...)
	return vt(S32, out...)
}

func argmaxPrepare(attrs any, in, out []*Tensor, _ *env) (func(), error) {
	s := in[0].shape
	ax, _ := normAxis(attrs.(*axisAttrs).Axis, len(s))
	outer, n, inner := prod(s[:ax]), s[ax], prod(s[ax+1:])
	x, y := in[0].F32(), out[0].S32()
	return func() {
		for o := 0; o < outer; o++ {
			for i := 0; i < inner; i++ {
				base := o*n*inner + i
				best, bi := x[base], 0
				for j := 1; j < n; j++ {
					if v := x[base+j*inner]; v > best {
						best, bi = v, j
					}
				}
				y[o*inner+i] = int32(bi)
			}
		}
	}, nil
}

// batchnorm over channel axis 1: inputs x, scale, bias, mean, var. Most
// are folded into the preceding conv or dense at load; this runs the rest.
type bnAttrs struct {
	Epsilon float64 `json:"epsilon"`
}

func (a *bnAttrs) validate() error {
	if !(a.Epsilon >= 0) || math.IsInf(a.Epsilon, 0) {
		return fmt.Errorf("epsilon %v must be finite and >= 0", a.Epsilon)
	}
	return nil
}

func bnInfer(_ any, in []ValueType) ([]ValueType, error) {
	if err := allF32(in); err != nil {
		return nil, err
	}
	x := in[0].Shape
	if len(x) < 2 {
		return nil, fmt.Errorf("input %v has no channel axis", x)
	}
	for i := 1; i < 5; i++ {
		if len(in[i].Shape) != 1 || in[i].Shape[0] != x[1] {
			return nil, fmt.Errorf("parameter %d has shape %v, want [%d]", i, in[i].Shape, x[1])
		}
	}
	return []ValueType{in[0]}, nil
}

// bnCoefficients returns per-channel a, b with bn(x) = a*x + b.
func bnCoefficients(eps float64, scale, bias, mean, variance []float32) (a, b []float32) {
	a, b = make([]float32, len(scale)), make([]float32, len(scale))
	for c := range scale {
		s := float64(scale[c]) / math.Sqrt(float64(variance[c])+eps)
		a[c] = float32(s)
		b[c] = float32(float64(bias[c]) - float64(mean[c])*s)
	}
	return a, b
}

func bnPrepare(attrs any, in, out []*Tensor, _ *env) (func(), error) {
	a, b := bnCoefficients(attrs.(*bnAttrs).Epsilon, in[1].F32(), in[2].F32(), in[3].F32(), in[4].F32())
	s := in[0].shape
	n, c, inner := s[0], s[1], prod(s[2:])
	x, y := in[0].F32(), out[0].F32()
	return func() {
		for i := 0; i < n; i++ {
			for ch := 0; ch < c; ch++ {
				off := (i*c + ch) * inner
				for j := off; j < off+inner; j++ {
					y[j] = a[ch]*x[j] + b[ch]
				}
			}
		}
	}, nil
}

// pool2dAttrs: kernel, stride (default = kernel) and padding over NCHW.
type pool2dAttrs struct {
	Kernel  ints `json:"kernel"`
	Stride  ints `json:"stride"`
	Padding ints `json:"padding"`

	k, s, p []int
}

func (a *pool2dAttrs) validate() error {
	var err error
	if a.k, err = a.Kernel.expand(2, "kernel"); err != nil {
		return err
	}
	if a.Stride == nil {
		a.Stride = a.Kernel
	}
	if a.s, err = a.Stride.expand(2, "stride"); err != nil {
		return err
	}
	if a.p, err = a.Padding.expand(2, "padding"); err != nil {
		return err
	}
	for i := 0; i < 2; i++ {
		if a.k[i] < 1 || a.s[i] < 1 || a.p[i] < 0 || a.k[i] > 1<<16 || a.s[i] > 1<<16 || 2*a.p[i] > a.k[i] {
			return fmt.Errorf("kernel %v, stride %v, padding %v out of range", a.k, a.s, a.p)
		}
	}
	return nil
}

func pool2dInfer(attrs any, in []ValueType) ([]ValueType, error) {
	a := attrs.(*pool2dAttrs)
	if err := allF32(in); err != nil {
		return nil, err
	}
	x := in[0].Shape
	if len(x) != 4 {
		return nil, fmt.Errorf("input %v is not NCHW", x)
	}
	oh := (x[2]+2*a.p[0]-a.k[0])/a.s[0] + 1
	ow := (x[3]+2*a.p[1]-a.k[1])/a.s[1] + 1
	if x[2]+2*a.p[0] < a.k[0] || x[3]+2*a.p[1] < a.k[1] {
		return nil, fmt.Errorf("kernel %v larger than padded input %v", a.k, x[2:])
	}
	return vt(F32, x[0], x[1], oh, ow)
}

func pool2dPrepare(isMax bool) func(any, []*Tensor, []*Tensor, *env) (func(), error) {
	return func(attrs any, in, out []*Tensor, _ *env) (func(), error) {
		a := attrs.(*pool2dAttrs)
		xs, ys := in[0].shape, out[0].shape
		planes, h, w, oh, ow := xs[0]*xs[1], xs[2], xs[3], ys[2], ys[3]
		x, y := in[0].F32(), out[0].F32()
		return func() {
			for pl := 0; pl < planes; pl++ {
				xp, yp := x[pl*h*w:], y[pl*oh*ow:]
				for oy := 0; oy < oh; oy++ {
					for ox := 0; ox < ow; ox++ {
						acc := float32(0)
						if isMax {
							acc = float32(math.Inf(-1))
						}
						for ky := 0; ky < a.k[0]; ky++ {
							iy := oy*a.s[0] - a.p[0] + ky
							if iy < 0 || iy >= h {
								continue
							}
							for kx := 0; kx < a.k[1]; kx++ {
								ix := ox*a.s[1] - a.p[1] + kx
								if ix < 0 || ix >= w {
									continue
								}
								if v := xp[iy*w+ix]; isMax {
									acc = max(acc, v)
								} else {
									acc += v
								}
							}
						}
						if !isMax {
							// Zero padding counts, as in PyTorch's default.
							acc /= float32(a.k[0] * a.k[1])
						}
						yp[oy*ow+ox] = acc
					}
				}
			}
		}, nil
	}
}

// global_avg_pool: mean over all axes after 1, keeping them as size 1.
func gapInfer(_ any, in []ValueType) ([]ValueType, error) {
	if err := allF32(in); err != nil {
		return nil, err
	}
	x := in[0].Shape
	if len(x) < 3 {
		return nil, fmt.Errorf("input %v has no spatial axes", x)
	}
	out := []int{x[0], x[1]}
	for range x[2:] {
		out = append(out, 1)
	}
	return vt(F32, out...)
}

func gapPrepare(_ any, in, out []*Tensor, _ *env) (func(), error) {
	s := in[0].shape
	planes, inner := s[0]*s[1], prod(s[2:])
	x, y := in[0].F32(), out[0].F32()
	return func() {
		for p := 0; p < planes; p++ {
			var sum float32
			for _, v := range x[p*inner : (p+1)*inner] {
				sum += v
			}
			y[p] = sum / float32(inner)
		}
	}, nil
}

func init() {
	register(&opDef{name: "dense", minIn: 2, maxIn: 3, nOut: 1, infer: denseInfer, prepare: densePrepare})
	register(&opDef{name: "softmax", minIn: 1, maxIn: 1, nOut: 1, parse: attrParser(axisAttrs{Axis: -1}), infer: softmaxInfer, prepare: softmaxPrepare})
	register(&opDef{name: "argmax", minIn: 1, maxIn: 1, nOut: 1, parse: attrParser(axisAttrs{Axis: -1}), infer: argmaxInfer, prepare: argmaxPrepare})
	register(&opDef{name: "batchnorm", minIn: 5, maxIn: 5, nOut: 1, parse: attrParser(bnAttrs{Epsilon: 1e-5}), infer: bnInfer, prepare: bnPrepare})
	register(&opDef{name: "maxpool2d", minIn: 1, maxIn: 1, nOut: 1, parse: attrParser(pool2dAttrs{Padding: ints{0}}), infer: pool2dInfer, prepare: pool2dPrepare(true)})
	register(&opDef{name: "avgpool2d", minIn: 1, maxIn: 1, nOut: 1, parse: attrParser(pool2dAttrs{Padding: ints{0}}), infer: pool2dInfer, prepare: pool2dPrepare(false)})
	register(&opDef{name: "global_avg_pool", minIn: 1, maxIn: 1, nOut: 1, infer: gapInfer, prepare: gapPrepare})
}
