package kern

import "testing"

// Pooling: max is exact; averages are float32 sums of at most 9 values.
const tolPool = 1e-6

func TestPoolTorch(t *testing.T) {
	for _, c := range casesOf(t, "maxpool", "avgpool") {
		var p Pool2DParams
		c.params(t, &p)
		if err := p.Validate(); err != nil {
			t.Fatal(err)
		}
		x, want := c.f32(t, "x"), c.f32(t, "y")
		dst, check := guarded(t, p.N*p.C*p.OutH()*p.OutW())
		f, tol := MaxPool2D, 0.0
		if c.Op == "avgpool" {
			f, tol = AvgPool2D, tolPool
		}
		f(&p, dst, x)
		check()
		t.Logf("%s: max rel error %.2g", c.Name, closeTo(t, c.Name, dst, want, tol))
		noAllocs(t, c.Name, func() { f(&p, dst, x) })
	}
	for _, c := range casesOf(t, "globalavgpool") {
		var p struct{ Rows, Spatial int }
		c.params(t, &p)
		x, want := c.f32(t, "x"), c.f32(t, "y")
		dst, check := guarded(t, p.Rows)
		GlobalAvgPool(dst, x, p.Rows, p.Spatial)
		check()
		closeTo(t, c.Name, dst, want, tolPool)
		noAllocs(t, c.Name, func() { GlobalAvgPool(dst, x, p.Rows, p.Spatial) })
	}
	bad := Pool2DParams{N: 1, C: 1, H: 4, W: 4, KH: 2, KW: 2, StrideH: 1, StrideW: 1, PadTop: 2}
	if bad.Validate() == nil {
		t.Error("padding above half the window accepted")
	}
}

func TestUpsampleTorch(t *testing.T) {
	for _, c := range casesOf(t, "upsample") {
		var p UpsampleParams
		c.params(t, &p)
		if err := p.Validate(); err != nil {
			t.Fatal(err)
		}
		x, want := c.f32(t, "x"), c.f32(t, "y")
		dst, check := guarded(t, len(want))
		UpsampleNearest(&p, dst, x)
		check()
		closeTo(t, c.Name, dst, want, 0)
		noAllocs(t, c.Name, func() { UpsampleNearest(&p, dst, x) })
	}
}
