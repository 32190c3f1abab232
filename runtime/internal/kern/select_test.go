package kern

import "testing"

// Selection ops are exact: indices equal, values bit-identical.

func TestArgMaxTorch(t *testing.T) {
	for _, c := range casesOf(t, "argmax") {
		var p struct {
			Shape []int
			Axis  int
		}
		c.params(t, &p)
		ax, err := AxisOf(p.Shape, p.Axis)
		if err != nil {
			t.Fatal(err)
		}
		x, want := c.f32(t, "x"), c.i32(t, "y")
		dst := make([]int32, ax.Outer*ax.Inner)
		ArgMax(&ax, dst, x)
		equalInts(t, c.Name, dst, want)
		noAllocs(t, c.Name, func() { ArgMax(&ax, dst, x) })
	}
}

func TestTopKTorch(t *testing.T) {
	for _, c := range casesOf(t, "topk") {
		var p struct {
			Shape   []int
			Axis, K int
			Largest bool
		}
		c.params(t, &p)
		ax, err := AxisOf(p.Shape, p.Axis)
		if err != nil {
			t.Fatal(err)
		}
		tp := TopKParams{Axis: ax, K: p.K, Largest: p.Largest}
		if err := tp.Validate(); err != nil {
			t.Fatal(err)
		}
		x, wantV, wantI := c.f32(t, "x"), c.f32(t, "values"), c.i32(t, "indices")
		vals, check := guarded(t, ax.Outer*p.K*ax.Inner)
		idx := make([]int32, len(vals))
		TopK(&tp, vals, idx, x)
		check()
		closeTo(t, c.Name, vals, wantV, 0)
		equalInts(t, c.Name+" indices", idx, wantI)
		noAllocs(t, c.Name, func() { TopK(&tp, vals, idx, x) })
	}
}

func TestNearestCentroidNumPy(t *testing.T) {
	for _, c := range casesOf(t, "nearestcentroid") {
		var p NearestCentroidParams
		c.params(t, &p)
		if err := p.Validate(); err != nil {
			t.Fatal(err)
		}
		x, cent, want := c.f32(t, "x"), c.f32(t, "centroids"), c.i32(t, "y")
		dst := make([]int32, p.N)
		NearestCentroid(&p, dst, x, cent)
		equalInts(t, c.Name, dst, want)
		noAllocs(t, c.Name, func() { NearestCentroid(&p, dst, x, cent) })
	}
}
