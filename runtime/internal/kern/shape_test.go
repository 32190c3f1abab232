package kern

import "testing"

// Data movement ops are exact.

func TestPermuteTorch(t *testing.T) {
	for _, c := range casesOf(t, "permute") {
		var p struct{ Shape, Perm []int }
		c.params(t, &p)
		pm, err := NewPermute(p.Shape, p.Perm)
		if err != nil {
			t.Fatal(err)
		}
		x, want := c.f32(t, "x"), c.f32(t, "y")
		dst, check := guarded(t, len(x))
		Permute(&pm, dst, x)
		check()
		closeTo(t, c.Name, dst, want, 0)
		noAllocs(t, c.Name, func() { Permute(&pm, dst, x) })
	}
	for _, perm := range [][]int{{0, 0}, {0, 2}, {1}} {
		if _, err := NewPermute([]int{2, 3}, perm); err == nil {
			t.Errorf("perm %v accepted", perm)
		}
	}
}

func TestConcatTorch(t *testing.T) {
	for _, c := range casesOf(t, "concat") {
		var p ConcatParams
		c.params(t, &p)
		if err := p.Validate(); err != nil {
			t.Fatal(err)
		}
		var srcs [][]float32
		for _, n := range c.Tensors {
			if n != "y" {
				srcs = append(srcs, c.f32(t, n))
			}
		}
		want := c.f32(t, "y")
		dst, check := guarded(t, len(want))
		Concat(&p, dst, srcs)
		check()
		closeTo(t, c.Name, dst, want, 0)
		noAllocs(t, c.Name, func() { Concat(&p, dst, srcs) })
	}
}

func TestSliceNumPy(t *testing.T) {
	for _, c := range casesOf(t, "slice") {
		var p struct{ Shape, Starts, Ends, Steps []int }
		c.params(t, &p)
		s, err := NewSlice(p.Shape, p.Starts, p.Ends, p.Steps)
		if err != nil {
			t.Fatal(err)
		}
		x, want := c.f32(t, "x"), c.f32(t, "y")
		if s.Len() != len(want) {
			t.Fatalf("%s: %d elements (shape %v), want %d", c.Name, s.Len(), s.Shape(), len(want))
		}
		dst, check := guarded(t, s.Len())
		Slice(&s, dst, x)
		check()
		closeTo(t, c.Name, dst, want, 0)
		noAllocs(t, c.Name, func() { Slice(&s, dst, x) })
	}
	if _, err := NewSlice([]int{3}, []int{0}, []int{3}, []int{0}); err == nil {
		t.Error("step 0 accepted")
	}
}

func TestPadTorch(t *testing.T) {
	for _, c := range casesOf(t, "pad") {
		var p struct {
			Shape, Before, After []int
			Mode                 PadMode
			Value                float32
		}
		c.params(t, &p)
		pd, err := NewPad(p.Shape, p.Before, p.After, p.Mode, p.Value)
		if err != nil {
			t.Fatal(err)
		}
		x, want := c.f32(t, "x"), c.f32(t, "y")
		dst, check := guarded(t, len(want))
		Pad(&pd, dst, x)
		check()
		closeTo(t, c.Name, dst, want, 0)
		noAllocs(t, c.Name, func() { Pad(&pd, dst, x) })
	}
	if _, err := NewPad([]int{2, 3}, []int{0, 3}, []int{0, 0}, PadReflect, 0); err == nil {
		t.Error("reflect pad as large as the dim accepted")
	}
}
