package kern

import "fmt"

// Axis views a tensor as Outer×Len×Inner around one axis: element (o, i, j)
// is at o·Len·Inner + i·Inner + j. Softmax, ArgMax, TopK and Concat work
// along such an axis.
type Axis struct {
	Outer, Len, Inner int
}

// AxisOf splits shape around axis (negative counts from the end) and
// validates the view (see Validate).
func AxisOf(shape []int, axis int) (Axis, error) {
	if axis < 0 {
		axis += len(shape)
	}
	if axis < 0 || axis >= len(shape) {
		return Axis{}, fmt.Errorf("axis %d out of range for rank %d", axis, len(shape))
	}
	if err := checkDims(shape...); err != nil {
		return Axis{}, err
	}
	a := Axis{Outer: 1, Len: shape[axis], Inner: 1}
	for _, d := range shape[:axis] {
		a.Outer *= d
	}
	for _, d := range shape[axis+1:] {
		a.Inner *= d
	}
	return a, a.Validate()
}

// Validate reports whether a describes a non-empty axis (Len and Inner at
// least 1; Outer may be 0, an empty batch) of a tensor whose size fits in
// an int.
func (a *Axis) Validate() error {
	if a.Outer < 0 || a.Len < 1 || a.Inner < 1 {
		return fmt.Errorf("bad axis view %d×%d×%d", a.Outer, a.Len, a.Inner)
	}
	return checkDims(a.Outer, a.Len, a.Inner)
}

// Size is the number of elements, Outer·Len·Inner.
func (a *Axis) Size() int { return a.Outer * a.Len * a.Inner }
