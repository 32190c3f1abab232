package kern

import "testing"

// Integer ops are bit-exact against the NumPy references.

func TestQuantizeNumPy(t *testing.T) {
	for _, c := range casesOf(t, "quantize") {
		var p struct {
			Scale float32
			Zero  int32
		}
		c.params(t, &p)
		x, wantD := c.f32(t, "x"), c.f32(t, "deq")
		deq := make([]float32, len(x))
		switch c.Name {
		case "quantize_u8":
			if err := CheckQuant[uint8](p.Scale, p.Zero); err != nil {
				t.Fatal(err)
			}
			q := make([]uint8, len(x))
			Quantize(q, x, p.Scale, p.Zero)
			equalInts(t, c.Name, q, c.u8(t, "q"))
			Dequantize(deq, q, p.Scale, p.Zero)
			noAllocs(t, c.Name, func() { Quantize(q, x, p.Scale, p.Zero); Dequantize(deq, q, p.Scale, p.Zero) })
		default:
			if err := CheckQuant[int8](p.Scale, p.Zero); err != nil {
				t.Fatal(err)
			}
			q := make([]int8, len(x))
			Quantize(q, x, p.Scale, p.Zero)
			equalInts(t, c.Name, q, c.i8(t, "q"))
			Dequantize(deq, q, p.Scale, p.Zero)
			noAllocs(t, c.Name, func() { Quantize(q, x, p.Scale, p.Zero); Dequantize(deq, q, p.Scale, p.Zero) })
		}
		equalInts(t, c.Name+" dequantized", deq, wantD)
	}
	if CheckQuant[uint8](0, 0) == nil || CheckQuant[int8](1, 128) == nil || CheckQuant[uint8](1, -1) == nil {
		t.Error("bad quantisation accepted")
	}
	if CheckZeroPoints[int8](&QuantParams{XZero: 200}) == nil || CheckZeroPoints[uint8](&QuantParams{YZero: -1}) == nil ||
		CheckZeroPoints[uint8](&QuantParams{XZero: 255, YZero: 0}) != nil {
		t.Error("CheckZeroPoints misjudged")
	}
	nan := float32(nan())
	q := []int8{9}
	Quantize(q, []float32{nan}, 1, -4)
	if q[0] != -4 {
		t.Errorf("NaN quantized to %d, want the zero point", q[0])
	}
}

func TestQConv2DNumPy(t *testing.T) {
	for _, c := range casesOf(t, "qconv2d") {
		var p QConv2DParams
		c.params(t, &p)
		p.Mult = c.f32(t, "mult")
		if err := p.Validate(); err != nil {
			t.Fatal(err)
		}
		w, bias := c.i8(t, "w"), c.i32(t, "bias")
		np, na := QConv2DScratch(&p)
		acc := make([]int32, na)
		if c.array(t, "x").Dtype == "u1" {
			x, want := c.u8(t, "x"), c.u8(t, "y")
			dst, patches := make([]uint8, len(want)), make([]uint8, np)
			QConv2D(&p, dst, x, w, bias, patches, acc)
			equalInts(t, c.Name, dst, want)
			noAllocs(t, c.Name, func() { QConv2D(&p, dst, x, w, bias, patches, acc) })
			pp := packedQConv(t, p, w)
			clear(dst)
			QConv2D(&pp, dst, x, nil, bias, patches, acc)
			equalInts(t, c.Name+" packed", dst, want)
			noAllocsPooled(t, c.Name+" packed", func() { QConv2D(&pp, dst, x, nil, bias, patches, acc) })
		} else {
			x, want := c.i8(t, "x"), c.i8(t, "y")
			dst, patches := make([]int8, len(want)), make([]int8, np)
			QConv2D(&p, dst, x, w, bias, patches, acc)
			equalInts(t, c.Name, dst, want)
			noAllocs(t, c.Name, func() { QConv2D(&p, dst, x, w, bias, patches, acc) })
			pp := packedQConv(t, p, w)
			clear(dst)
			QConv2D(&pp, dst, x, nil, bias, patches, acc)
			equalInts(t, c.Name+" packed", dst, want)
			noAllocsPooled(t, c.Name+" packed", func() { QConv2D(&pp, dst, x, nil, bias, patches, acc) })
		}
	}
}

func TestQDenseNumPy(t *testing.T) {
	for _, c := range casesOf(t, "qdense") {
		var p QDenseParams
		c.params(t, &p)
		p.Mult = c.f32(t, "mult")
		if err := p.Validate(); err != nil {
			t.Fatal(err)
		}
		w, bias := c.i8(t, "w"), c.i32(t, "bias")
		acc := make([]int32, QDenseScratch(&p))
		if c.array(t, "x").Dtype == "u1" {
			x, want := c.u8(t, "x"), c.u8(t, "y")
			dst := make([]uint8, len(want))
			QDense(&p, dst, x, w, bias, acc)
			equalInts(t, c.Name, dst, want)
			noAllocs(t, c.Name, func() { QDense(&p, dst, x, w, bias, acc) })
			pp := packedQDense(t, p, w)
			clear(dst)
			QDense(&pp, dst, x, nil, bias, acc)
			equalInts(t, c.Name+" packed", dst, want)
			noAllocsPooled(t, c.Name+" packed", func() { QDense(&pp, dst, x, nil, bias, acc) })
		} else {
			x, want := c.i8(t, "x"), c.i8(t, "y")
			dst := make([]int8, len(want))
			QDense(&p, dst, x, w, bias, acc)
			equalInts(t, c.Name, dst, want)
			noAllocs(t, c.Name, func() { QDense(&p, dst, x, w, bias, acc) })
			pp := packedQDense(t, p, w)
			clear(dst)
			QDense(&pp, dst, x, nil, bias, acc)
			equalInts(t, c.Name+" packed", dst, want)
			noAllocsPooled(t, c.Name+" packed", func() { QDense(&pp, dst, x, nil, bias, acc) })
		}
	}
}

// packedQConv returns p with its weights packed for simd's int8 GEMM.
func packedQConv(t *testing.T, p QConv2DParams, w []int8) QConv2DParams {
	t.Helper()
	p.Pack(w)
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	return p
}

// packedQDense returns p with its weights packed for simd's int8 GEMM.
func packedQDense(t *testing.T, p QDenseParams, w []int8) QDenseParams {
	t.Helper()
	p.Pack(w)
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	return p
}

// noAllocsPooled is noAllocs for kernels on simd's int8 GEMM and
// requantisation, whose scratch comes from sync.Pools (simd offers no
// explicit workspace for them): under the race detector a pool drops items
// at random, so the check only runs in normal builds.
func noAllocsPooled(t *testing.T, name string, f func()) {
	t.Helper()
	if raceEnabled {
		f()
		return
	}
	noAllocs(t, name, f)
}
