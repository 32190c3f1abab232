package runtime

import "fmt"

// flatten keeps axes before "axis" (default 1) and merges the rest.
type flattenAttrs struct {
	Axis int `json:"axis"`
}

func flattenInfer(attrs any, in []ValueType) ([]ValueType, error) {
	s := in[0].Shape
	ax := attrs.(*flattenAttrs).Axis
	if ax < 0 {
		ax += len(s)
	}
	if ax < 0 || ax > len(s) {
		return nil, fmt.Errorf("axis %d out of range for rank %d", attrs.(*flattenAttrs).Axis, len(s))
	}
	out := append(append([]int(nil), s[:ax]...), prod(s[ax:]))
	return vt(in[0].DType, out...)
}

// reshape to "shape": 0 copies the input's dimension at that position and
// one -1 takes what is left, as in ONNX.
type reshapeAttrs struct {
	Shape []int `json:"shape"`
}

func (a *reshapeAttrs) validate() error {
	neg := 0
	for _, d := range a.Shape {
		if d < -1 {
			return fmt.Errorf("shape %v has a dimension below -1", a.Shape)
		}
		if d == -1 {
			neg++
		}
	}
	if neg > 1 {
		return fmt.Errorf("shape %v has more than one -1", a.Shape)
	}
	return nil
}

func reshapeInfer(attrs any, in []ValueType) ([]ValueType, error) {
	want := attrs.(*reshapeAttrs).Shape
	s := in[0].Shape
	total := prod(s)
	out := make([]int, len(want))
	known, free := 1, -1
	for i, d := range want {
		switch {
		case d == 0:
			if i >= len(s) {
				return nil, fmt.Errorf("shape %v copies dimension %d of %v", want, i, s)
			}
			out[i] = s[i]
		case d == -1:
			free = i
			continue
		default:
			out[i] = d
		}
		if _, err := numElements(out[:i+1]); err != nil {
			return nil, err
		}
		known *= out[i]
	}
	if free >= 0 {
		if known == 0 || total%known != 0 {
			return nil, fmt.Errorf("cannot reshape %v into %v", s, want)
		}
		out[free] = total / known
	}
	if prod(out) != total {
		return nil, fmt.Errorf("cannot reshape %v (%d elements) into %v", s, total, want)
	}
	return vt(in[0].DType, out...)
}

// copyPrepare serves ops that only relabel the shape: the data is copied
// unchanged.
func copyPrepare(_ any, in, out []*Tensor, _ *env) (func(), error) {
	x, y := in[0].data, out[0].data
	return func() { copy(y, x) }, nil
}

func init() {
	register(&opDef{name: "flatten", minIn: 1, maxIn: 1, nOut: 1, parse: attrParser(flattenAttrs{Axis: 1}), infer: flattenInfer, prepare: copyPrepare})
	register(&opDef{name: "reshape", minIn: 1, maxIn: 1, nOut: 1, parse: attrParser(reshapeAttrs{}), infer: reshapeInfer, prepare: copyPrepare})
}
