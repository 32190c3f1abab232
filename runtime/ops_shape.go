package runtime

import (
	"fmt"

	"github.com/edgerun/edgerun/runtime/internal/kern"
)

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
	return vt(in[0].DType, append(append([]int(nil), s[:ax]...), prod(s[ax:]))...)
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
		if _, err := numElements([]int{known, out[i]}); err != nil {
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

// copyPrepare serves ops that only relabel the shape: the bytes are
// copied unchanged, whatever the dtype.
func copyPrepare(_ any, in, out []*Tensor, _ *env) (func(), error) {
	x, y := in[0].data, out[0].data
	if len(x) == 0 || &x[0] == &y[0] {
		// The planner placed the view on its input's buffer.
		return func() {}, nil
	}
	return func() { copy(y, x) }, nil
}

// transpose: output axis i is input axis perm[i].
type permAttrs struct {
	Perm []int `json:"perm"`
}

func transposeInfer(attrs any, in []ValueType) ([]ValueType, error) {
	if err := allF32(in); err != nil {
		return nil, err
	}
	p, err := kern.NewPermute(in[0].Shape, attrs.(*permAttrs).Perm)
	if err != nil {
		return nil, err
	}
	return vt(F32, append([]int(nil), p.Shape()...)...)
}

func transposePrepare(attrs any, in, out []*Tensor, _ *env) (func(), error) {
	p, err := kern.NewPermute(in[0].shape, attrs.(*permAttrs).Perm)
	if err != nil {
		return nil, err
	}
	x, y := in[0].F32(), out[0].F32()
	return func() { kern.Permute(&p, y, x) }, nil
}

// concat joins its inputs along "axis"; other axes must agree.
func concatParams(axis int, in [][]int) (kern.ConcatParams, []int, error) {
	s0 := in[0]
	ax, err := normAxis(axis, len(s0))
	if err != nil {
		return kern.ConcatParams{}, nil, err
	}
	p := kern.ConcatParams{Outer: prod(s0[:ax]), Inner: prod(s0[ax+1:])}
	out := append([]int(nil), s0...)
	out[ax] = 0
	for i, s := range in {
		if len(s) != len(s0) || !shapeEqual(s[:ax], s0[:ax]) || !shapeEqual(s[ax+1:], s0[ax+1:]) {
			return p, nil, fmt.Errorf("input %d has shape %v, incompatible with %v along axis %d", i, s, s0, axis)
		}
		p.Lens = append(p.Lens, s[ax])
		out[ax] += s[ax]
	}
	return p, out, p.Validate()
}

func concatInfer(attrs any, in []ValueType) ([]ValueType, error) {
	if err := allF32(in); err != nil {
		return nil, err
	}
	shapes := make([][]int, len(in))
	for i := range in {
		shapes[i] = in[i].Shape
	}
	_, out, err := concatParams(attrs.(*axisAttrs).Axis, shapes)
	if err != nil {
		return nil, err
	}
	return vt(F32, out...)
}

func concatPrepare(attrs any, in, out []*Tensor, _ *env) (func(), error) {
	shapes := make([][]int, len(in))
	srcs := make([][]float32, len(in))
	for i := range in {
		shapes[i], srcs[i] = in[i].shape, in[i].F32()
	}
	p, _, err := concatParams(attrs.(*axisAttrs).Axis, shapes)
	if err != nil {
		return nil, err
	}
	y := out[0].F32()
	return func() { kern.Concat(&p, y, srcs) }, nil
}

// slice: starts, ends and (optional) steps for the listed axes (default:
// all axes in order), with ONNX semantics for negative and clamped bounds.
type sliceAttrs struct {
	Starts []int `json:"starts"`
	Ends   []int `json:"ends"`
	Steps  []int `json:"steps"`
	Axes   []int `json:"axes"`
}

func (a *sliceAttrs) validate() error {
	if len(a.Ends) != len(a.Starts) || (a.Steps != nil && len(a.Steps) != len(a.Starts)) || (a.Axes != nil && len(a.Axes) != len(a.Starts)) {
		return fmt.Errorf("starts, ends, steps and axes have different lengths")
	}
	return nil
}

func sliceSpec(a *sliceAttrs, s []int) (kern.Slicing, error) {
	r := len(s)
	starts, ends, steps := make([]int, r), append([]int(nil), s...), make([]int, r)
	for i := range steps {
		steps[i] = 1
	}
	seen := make([]bool, r)
	for i := range a.Starts {
		ax := i
		if a.Axes != nil {
			ax = a.Axes[i]
		}
		ax, err := normAxis(ax, r)
		if err != nil {
			return kern.Slicing{}, err
		}
		if seen[ax] {
			return kern.Slicing{}, fmt.Errorf("axis %d sliced twice", ax)
		}
		seen[ax] = true
		starts[ax], ends[ax] = a.Starts[i], a.Ends[i]
		if a.Steps != nil {
			steps[ax] = a.Steps[i]
		}
	}
	return kern.NewSlice(s, starts, ends, steps)
}

func sliceInfer(attrs any, in []ValueType) ([]ValueType, error) {
	if err := allF32(in); err != nil {
		return nil, err
	}
	sl, err := sliceSpec(attrs.(*sliceAttrs), in[0].Shape)
	if err != nil {
		return nil, err
	}
	return vt(F32, append([]int(nil), sl.Shape()...)...)
}

func slicePrepare(attrs any, in, out []*Tensor, _ *env) (func(), error) {
	sl, err := sliceSpec(attrs.(*sliceAttrs), in[0].shape)
	if err != nil {
		return nil, err
	}
	x, y := in[0].F32(), out[0].F32()
	return func() { kern.Slice(&sl, y, x) }, nil
}

// pad: before and after counts per axis, mode "constant" (with value) or
// "reflect".
type padAttrs struct {
	Before []int   `json:"before"`
	After  []int   `json:"after"`
	Mode   string  `json:"mode"`
	Value  float32 `json:"value"`

	mode kern.PadMode
}

func (a *padAttrs) validate() error {
	switch a.Mode {
	case "constant":
		a.mode = kern.PadConstant
	case "reflect":
		a.mode = kern.PadReflect
	default:
		return fmt.Errorf("pad mode %q is not constant or reflect", a.Mode)
	}
	return nil
}

func padSpec(a *padAttrs, s []int) (kern.Padding, error) {
	if len(a.Before) != len(s) || len(a.After) != len(s) {
		return kern.Padding{}, fmt.Errorf("before %v and after %v need %d values", a.Before, a.After, len(s))
	}
	return kern.NewPad(s, a.Before, a.After, a.mode, a.Value)
}

func padInfer(attrs any, in []ValueType) ([]ValueType, error) {
	if err := allF32(in); err != nil {
		return nil, err
	}
	p, err := padSpec(attrs.(*padAttrs), in[0].Shape)
	if err != nil {
		return nil, err
	}
	return vt(F32, append([]int(nil), p.Shape()...)...)
}

func padPrepare(attrs any, in, out []*Tensor, _ *env) (func(), error) {
	p, err := padSpec(attrs.(*padAttrs), in[0].shape)
	if err != nil {
		return nil, err
	}
	x, y := in[0].F32(), out[0].F32()
	return func() { kern.Pad(&p, y, x) }, nil
}

func init() {
	register(&opDef{name: "flatten", view: true, minIn: 1, maxIn: 1, nOut: 1, parse: attrParser(flattenAttrs{Axis: 1}), infer: flattenInfer, prepare: copyPrepare})
	register(&opDef{name: "reshape", view: true, minIn: 1, maxIn: 1, nOut: 1, parse: attrParser(reshapeAttrs{}), infer: reshapeInfer, prepare: copyPrepare})
	register(&opDef{name: "transpose", minIn: 1, maxIn: 1, nOut: 1, parse: attrParser(permAttrs{}), infer: transposeInfer, prepare: transposePrepare})
	register(&opDef{name: "concat", minIn: 1, maxIn: 64, nOut: 1, parse: attrParser(axisAttrs{Axis: 1}), infer: concatInfer, prepare: concatPrepare})
	register(&opDef{name: "slice", minIn: 1, maxIn: 1, nOut: 1, parse: attrParser(sliceAttrs{}), infer: sliceInfer, prepare: slicePrepare})
	register(&opDef{name: "pad", minIn: 1, maxIn: 1, nOut: 1, parse: attrParser(padAttrs{Mode: "constant"}), infer: padInfer, prepare: padPrepare})
}
