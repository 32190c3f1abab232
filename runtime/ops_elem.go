package runtime

import (
	"encoding/json"
	"fmt"
	"math"
)

// Binary ops broadcast as NumPy does: shapes align at the right, and a
// dimension of 1 stretches to the other's size.
func broadcastShape(a, b []int) ([]int, error) {
	n := max(len(a), len(b))
	out := make([]int, n)
	for i := 0; i < n; i++ {
		da, db := 1, 1
		if j := len(a) - n + i; j >= 0 {
			da = a[j]
		}
		if j := len(b) - n + i; j >= 0 {
			db = b[j]
		}
		switch {
		case da == db || db == 1:
			out[i] = da
		case da == 1:
			out[i] = db
		default:
			return nil, fmt.Errorf("shapes %v and %v do not broadcast", a, b)
		}
	}
	return out, nil
}

func binaryInfer(_ any, in []ValueType) ([]ValueType, error) {
	if err := allF32(in); err != nil {
		return nil, err
	}
	s, err := broadcastShape(in[0].Shape, in[1].Shape)
	if err != nil {
		return nil, err
	}
	return vt(F32, s...)
}

// bcastStrides gives the element strides of shape in, right-aligned to
// out, with 0 where in broadcasts.
func bcastStrides(in, out []int) []int {
	st := make([]int, len(out))
	s := 1
	for i := len(out) - 1; i >= 0; i-- {
		j := len(in) - len(out) + i
		if j >= 0 && in[j] != 1 {
			st[i] = s
		}
		if j >= 0 {
			s *= in[j]
		}
	}
	return st
}

func binaryPrepare(f func(a, b float32) float32) func(any, []*Tensor, []*Tensor, *env) (func(), error) {
	return func(_ any, in, out []*Tensor, _ *env) (func(), error) {
		a, b, y := in[0].F32(), in[1].F32(), out[0].F32()
		os := out[0].shape
		switch {
		case len(y) == 0:
			return func() {}, nil
		case len(a) == len(y) && len(b) == len(y):
			return func() {
				for i := range y {
					y[i] = f(a[i], b[i])
				}
			}, nil
		case len(a) == len(y) && len(b) == 1:
			return func() {
				bv := b[0]
				for i := range y {
					y[i] = f(a[i], bv)
				}
			}, nil
		}
		// General case: odometer over all but the last axis, inner loop
		// with each operand's stride (0 or 1) on the last axis.
		sa, sb := bcastStrides(in[0].shape, os), bcastStrides(in[1].shape, os)
		r := len(os)
		inner := os[r-1]
		ia, ib := sa[r-1], sb[r-1]
		idx := make([]int, r)
		return func() {
			clear(idx)
			oa, ob := 0, 0
			for o := 0; o < len(y); o += inner {
				yr := y[o : o+inner]
				pa, pb := oa, ob
				for i := range yr {
					yr[i] = f(a[pa], b[pb])
					pa += ia
					pb += ib
				}
				for d := r - 2; d >= 0; d-- {
					idx[d]++
					oa += sa[d]
					ob += sb[d]
					if idx[d] < os[d] {
						break
					}
					oa -= sa[d] * os[d]
					ob -= sb[d] * os[d]
					idx[d] = 0
				}
			}
		}, nil
	}
}

type clipAttrs struct {
	Min float32 `json:"min"`
	Max float32 `json:"max"`
}

func (a *clipAttrs) validate() error {
	if !(a.Min <= a.Max) {
		return fmt.Errorf("min %v > max %v", a.Min, a.Max)
	}
	return nil
}

type alphaAttrs struct {
	Alpha float32 `json:"alpha"`
}

func unaryInfer(_ any, in []ValueType) ([]ValueType, error) {
	if err := allF32(in); err != nil {
		return nil, err
	}
	return []ValueType{in[0]}, nil
}

// unaryOp registers an elementwise op; mk builds the function from the
// parsed attributes at prepare time.
func unaryOp(name string, parse func(json.RawMessage) (any, error), mk func(attrs any) func(float32) float32) {
	d := &opDef{name: name, minIn: 1, maxIn: 1, nOut: 1, infer: unaryInfer, parse: parse}
	d.prepare = func(attrs any, in, out []*Tensor, _ *env) (func(), error) {
		f := mk(attrs)
		x, y := in[0].F32(), out[0].F32()
		return func() {
			for i, v := range x {
				y[i] = f(v)
			}
		}, nil
	}
	register(d)
}

func sigmoid(v float32) float32 { return float32(1 / (1 + math.Exp(-float64(v)))) }

func init() {
	for _, b := range []struct {
		name string
		f    func(a, b float32) float32
	}{
		{"add", func(a, b float32) float32 { return a + b }},
		{"sub", func(a, b float32) float32 { return a - b }},
		{"mul", func(a, b float32) float32 { return a * b }},
		{"div", func(a, b float32) float32 { return a / b }},
	} {
		register(&opDef{name: b.name, minIn: 2, maxIn: 2, nOut: 1, infer: binaryInfer, prepare: binaryPrepare(b.f)})
	}
	fixed := func(f func(float32) float32) func(any) func(float32) float32 {
		return func(any) func(float32) float32 { return f }
	}
	unaryOp("relu", nil, fixed(func(v float32) float32 { return max(v, 0) }))
	unaryOp("sigmoid", nil, fixed(sigmoid))
	unaryOp("tanh", nil, fixed(func(v float32) float32 { return float32(math.Tanh(float64(v))) }))
	unaryOp("silu", nil, fixed(func(v float32) float32 { return v * sigmoid(v) }))
	unaryOp("gelu", nil, fixed(func(v float32) float32 {
		return float32(0.5 * float64(v) * (1 + math.Erf(float64(v)/math.Sqrt2)))
	}))
	unaryOp("clip", attrParser(clipAttrs{Min: float32(math.Inf(-1)), Max: float32(math.Inf(1))}), func(a any) func(float32) float32 {
		c := a.(*clipAttrs)
		return func(v float32) float32 { return min(max(v, c.Min), c.Max) }
	})
	unaryOp("leaky_relu", attrParser(alphaAttrs{Alpha: 0.01}), func(a any) func(float32) float32 {
		al := a.(*alphaAttrs).Alpha
		return func(v float32) float32 {
			if v < 0 {
				return al * v
			}
			return v
		}
	})
}
