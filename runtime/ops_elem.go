package runtime

import (
	"fmt"
	"math"

	"github.com/edgerun/edgerun/runtime/internal/kern"
)

// Binary ops broadcast as NumPy does: shapes align at the right, and a
// dimension of 1 stretches to the other's size.
func binaryInfer(_ any, in []ValueType) ([]ValueType, error) {
	if err := allF32(in); err != nil {
		return nil, err
	}
	bc, err := kern.NewBroadcast(in[0].Shape, in[1].Shape)
	if err != nil {
		return nil, err
	}
	return vt(F32, append([]int(nil), bc.Shape()...)...)
}

func binaryPrepare(op kern.BinaryOp) func(any, []*Tensor, []*Tensor, *env) (func(), error) {
	return func(_ any, in, out []*Tensor, e *env) (func(), error) {
		bc, err := kern.NewBroadcast(in[0].shape, in[1].shape)
		if err != nil {
			return nil, err
		}
		a, b, y := in[0].F32(), in[1].F32(), out[0].F32()
		if e.relu {
			if op != kern.Add || !bc.SameShape() {
				return nil, fmt.Errorf("ReLU folded into a binary op other than a same-shape add")
			}
			return func() { kern.AddRelu(y, a, b) }, nil
		}
		return func() { kern.Binary(op, &bc, y, a, b) }, nil
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

func unaryInfer(_ any, in []ValueType) ([]ValueType, error) {
	if err := allF32(in); err != nil {
		return nil, err
	}
	return []ValueType{in[0]}, nil
}

func unaryPrepare(f func(dst, x []float32)) func(any, []*Tensor, []*Tensor, *env) (func(), error) {
	return func(_ any, in, out []*Tensor, _ *env) (func(), error) {
		x, y := in[0].F32(), out[0].F32()
		return func() { f(y, x) }, nil
	}
}

func clipPrepare(attrs any, in, out []*Tensor, _ *env) (func(), error) {
	a := attrs.(*clipAttrs)
	x, y := in[0].F32(), out[0].F32()
	return func() { kern.Clip(y, x, a.Min, a.Max) }, nil
}

func init() {
	for _, b := range []struct {
		name string
		op   kern.BinaryOp
	}{{"add", kern.Add}, {"sub", kern.Sub}, {"mul", kern.Mul}, {"div", kern.Div}} {
		register(&opDef{name: b.name, minIn: 2, maxIn: 2, nOut: 1, infer: binaryInfer, prepare: binaryPrepare(b.op)})
	}
	for _, u := range []struct {
		name string
		f    func(dst, x []float32)
	}{{"relu", kern.Relu}, {"gelu", kern.Gelu}, {"silu", kern.Silu}, {"sigmoid", kern.Sigmoid}, {"tanh", kern.Tanh}} {
		register(&opDef{name: u.name, minIn: 1, maxIn: 1, nOut: 1, infer: unaryInfer, prepare: unaryPrepare(u.f)})
	}
	register(&opDef{name: "clip", minIn: 1, maxIn: 1, nOut: 1, infer: unaryInfer, prepare: clipPrepare,
		parse: attrParser(clipAttrs{Min: float32(math.Inf(-1)), Max: float32(math.Inf(1))})})
}
