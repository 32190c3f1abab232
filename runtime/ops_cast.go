package runtime

import (
	"fmt"
	"math"

	"github.com/edgerun/edgerun/simd"
)

// cast converts element types: any dtype to F32 as y = x·scale + offset
// (sensor frames of U8 or I32 samples into the float range a model
// expects), and F32 to F16 or BF16 (scale and offset must then be 1 and 0).
type castAttrs struct {
	DType  DType   `json:"dtype"`
	Scale  float32 `json:"scale"`
	Offset float32 `json:"offset"`
}

func (a *castAttrs) validate() error {
	if !a.DType.Valid() {
		return fmt.Errorf("dtype is missing")
	}
	if math.IsInf(float64(a.Scale), 0) || math.IsNaN(float64(a.Scale)) || math.IsInf(float64(a.Offset), 0) || math.IsNaN(float64(a.Offset)) {
		return fmt.Errorf("scale %v and offset %v must be finite", a.Scale, a.Offset)
	}
	return nil
}

func castInfer(attrs any, in []ValueType) ([]ValueType, error) {
	a := attrs.(*castAttrs)
	from := in[0].DType
	switch {
	case a.DType == F32:
	case from == F32 && (a.DType == F16 || a.DType == BF16) && a.Scale == 1 && a.Offset == 0:
	default:
		return nil, fmt.Errorf("cannot cast %s to %s with scale %v and offset %v", from, a.DType, a.Scale, a.Offset)
	}
	return []ValueType{{DType: a.DType, Shape: in[0].Shape}}, nil
}

func castPrepare(attrs any, in, out []*Tensor, _ *env) (func(), error) {
	a := attrs.(*castAttrs)
	x, y := in[0], out[0]
	sc, off := a.Scale, a.Offset
	affine := sc != 1 || off != 0
	switch {
	case y.dtype == F16:
		return func() { simd.F32ToF16(y.U16(), x.F32()) }, nil
	case y.dtype == BF16:
		return func() { simd.F32ToBF16(y.U16(), x.F32()) }, nil
	}
	dst := y.F32()
	switch x.dtype {
	case F32:
		src := x.F32()
		return func() {
			for i, v := range src {
				dst[i] = v*sc + off
			}
		}, nil
	case F16, BF16:
		conv := simd.F16ToF32
		if x.dtype == BF16 {
			conv = simd.BF16ToF32
		}
		src := x.U16()
		return func() {
			conv(dst, src)
			if affine {
				for i, v := range dst {
					dst[i] = v*sc + off
				}
			}
		}, nil
	case U8:
		src := x.U8()
		return func() {
			for i, v := range src {
				dst[i] = float32(v)*sc + off
			}
		}, nil
	case S8:
		src := x.S8()
		return func() {
			for i, v := range src {
				dst[i] = float32(v)*sc + off
			}
		}, nil
	case S32:
		src := x.S32()
		return func() {
			for i, v := range src {
				dst[i] = float32(v)*sc + off
			}
		}, nil
	}
	return nil, fmt.Errorf("cannot cast %s", x.dtype)
}

func init() {
	register(&opDef{name: "cast", minIn: 1, maxIn: 1, nOut: 1, parse: attrParser(castAttrs{Scale: 1}), infer: castInfer, prepare: castPrepare})
}
