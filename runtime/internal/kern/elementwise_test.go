package kern

import "testing"

// Activation tolerance: computed in float64 and rounded once, so within a
// couple of float32 ulps of PyTorch's float32 results.
const tolUnary = 1e-6

// Arithmetic tolerance: one IEEE float32 operation, as PyTorch does it.
const tolBinary = 0

func TestUnaryTorch(t *testing.T) {
	for _, c := range casesOf(t, "relu", "gelu", "silu", "sigmoid", "tanh", "clip") {
		x, want := c.f32(t, "x"), c.f32(t, "y")
		var f func(dst, x []float32)
		switch c.Op {
		case "relu":
			f = Relu
		case "gelu":
			f = Gelu
		case "silu":
			f = Silu
		case "sigmoid":
			f = Sigmoid
		case "tanh":
			f = Tanh
		case "clip":
			var p struct{ Min, Max float32 }
			c.params(t, &p)
			f = func(dst, x []float32) { Clip(dst, x, p.Min, p.Max) }
		}
		dst, check := guarded(t, len(x))
		f(dst, x)
		check()
		t.Logf("%s: max rel error %.2g", c.Name, closeTo(t, c.Name, dst, want, tolUnary))
		// In place.
		in := append([]float32(nil), x...)
		f(in, in)
		closeTo(t, c.Name+" in place", in, want, tolUnary)
		noAllocs(t, c.Name, func() { f(dst, x) })
	}
}

func TestBinaryTorch(t *testing.T) {
	ops := map[string]BinaryOp{"add": Add, "sub": Sub, "mul": Mul, "div": Div}
	for _, c := range casesOf(t, "add", "sub", "mul", "div") {
		var p struct{ A, B []int }
		c.params(t, &p)
		bc, err := NewBroadcast(p.A, p.B)
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		a, b, want := c.f32(t, "a"), c.f32(t, "b"), c.f32(t, "y")
		if bc.Len() != len(want) {
			t.Fatalf("%s: broadcast length %d, want %d", c.Name, bc.Len(), len(want))
		}
		dst, check := guarded(t, bc.Len())
		Binary(ops[c.Op], &bc, dst, a, b)
		check()
		closeTo(t, c.Name, dst, want, tolBinary)
		noAllocs(t, c.Name, func() { Binary(ops[c.Op], &bc, dst, a, b) })
	}
}

func TestBroadcastErrors(t *testing.T) {
	for _, s := range [][2][]int{{{2, 3}, {4}}, {{2, 3}, {3, 3}}, {{1, 2, 3, 4, 5, 6, 7, 8, 9}, {1}}, {{-1}, {1}}, {{1 << 20, 1 << 20}, {1}}} {
		if _, err := NewBroadcast(s[0], s[1]); err == nil {
			t.Errorf("%v accepted", s)
		}
	}
	bc, err := NewBroadcast([]int{2, 1, 4}, []int{3, 1})
	if err != nil {
		t.Fatal(err)
	}
	if got := bc.Shape(); len(got) != 3 || got[0] != 2 || got[1] != 3 || got[2] != 4 {
		t.Errorf("shape %v", got)
	}
}

// Softmax tolerance: exp and the sum in float64.
const tolSoftmax = 1e-6

func TestAxisOf(t *testing.T) {
	a, err := AxisOf([]int{2, 3, 4, 5}, -2)
	if err != nil || a != (Axis{Outer: 6, Len: 4, Inner: 5}) {
		t.Errorf("AxisOf = %+v, %v", a, err)
	}
	for _, c := range []struct {
		shape []int
		axis  int
	}{{[]int{2, 3}, 2}, {[]int{2, 3}, -3}, {[]int{2, 0}, 1}, {[]int{2, 3, 0}, 1}, {nil, 0}} {
		if _, err := AxisOf(c.shape, c.axis); err == nil {
			t.Errorf("AxisOf(%v, %d) accepted", c.shape, c.axis)
		}
	}
}

func TestSoftmaxTorch(t *testing.T) {
	for _, c := range casesOf(t, "softmax") {
		var p struct {
			Shape []int
			Axis  int
		}
		c.params(t, &p)
		ax, err := AxisOf(p.Shape, p.Axis)
		if err != nil {
			t.Fatal(err)
		}
		x, want := c.f32(t, "x"), c.f32(t, "y")
		dst, check := guarded(t, len(x))
		Softmax(&ax, dst, x)
		check()
		t.Logf("%s: max rel error %.2g", c.Name, closeTo(t, c.Name, dst, want, tolSoftmax))
		noAllocs(t, c.Name, func() { Softmax(&ax, dst, x) })
	}
}
