package kern

import (
	"math"
	"math/rand/v2"
	"testing"
)

// The fuzz targets feed arbitrary parameters (as a model file could hold)
// to the validators; whatever they accept must run without panicking on
// buffers of the documented sizes and match a naive reference.

// fuzzBudget bounds the buffers a fuzzed case may allocate.
const fuzzBudget = 1 << 16

func convRef(p *Conv2DParams, x, w, bias []float32) []float32 {
	oh, ow := p.OutH(), p.OutW()
	cpg, opg := p.C/p.Groups, p.OutC/p.Groups
	out := make([]float32, p.OutputLen())
	for n := 0; n < p.N; n++ {
		for o := 0; o < p.OutC; o++ {
			g := o / opg
			for y := 0; y < oh; y++ {
				for xo := 0; xo < ow; xo++ {
					var s float64
					if bias != nil {
						s = float64(bias[o])
					}
					for c := 0; c < cpg; c++ {
						for i := 0; i < p.KH; i++ {
							for j := 0; j < p.KW; j++ {
								ih := y*p.StrideH + i*p.DilationH - p.PadTop
								iw := xo*p.StrideW + j*p.DilationW - p.PadLeft
								if ih < 0 || ih >= p.H || iw < 0 || iw >= p.W {
									continue
								}
								s += float64(x[((n*p.C+g*cpg+c)*p.H+ih)*p.W+iw]) * float64(w[((o*cpg+c)*p.KH+i)*p.KW+j])
							}
						}
					}
					out[((n*p.OutC+o)*oh+y)*ow+xo] = float32(s)
				}
			}
		}
	}
	return out
}

// checkConv reports whether p was valid and small enough to run.
func checkConv(t *testing.T, p Conv2DParams, withBias bool, seed uint64) bool {
	if p.Validate() != nil {
		return false
	}
	if p.InputLen() > fuzzBudget || p.OutputLen() > fuzzBudget || p.WeightLen() > fuzzBudget ||
		Conv2DScratch(&p) > 4*fuzzBudget || p.OutputLen()*p.C/p.Groups*p.KH*p.KW > 1<<22 {
		return false
	}
	r := rand.New(rand.NewPCG(seed, 1))
	x, w := randSlice(r, p.InputLen()), randSlice(r, p.WeightLen())
	var bias []float32
	if withBias {
		bias = randSlice(r, p.OutC)
	}
	dst, check := guarded(t, p.OutputLen())
	Conv2D(&p, dst, x, w, bias, make([]float32, Conv2DScratch(&p)))
	check()
	want := convRef(&p, x, w, bias)
	k := float64(p.C / p.Groups * p.KH * p.KW)
	for i := range want {
		if d := math.Abs(float64(dst[i] - want[i])); d > 1e-5*k+1e-5 {
			t.Fatalf("%+v: out[%d] = %v, want %v", p, i, dst[i], want[i])
		}
	}
	return true
}

func FuzzConv2D(f *testing.F) {
	f.Add(uint8(2), uint8(3), uint8(7), uint8(9), uint8(6), uint8(3), uint8(3), uint8(2), uint8(2), uint8(1), uint8(1), uint8(1), uint8(1), uint8(2), uint8(2), uint8(3), true)
	f.Add(uint8(1), uint8(4), uint8(5), uint8(5), uint8(4), uint8(1), uint8(1), uint8(1), uint8(1), uint8(0), uint8(0), uint8(0), uint8(0), uint8(1), uint8(1), uint8(4), false)
	f.Fuzz(func(t *testing.T, n, c, h, w, oc, kh, kw, sh, sw, pt, pb, pl, pr, dh, dw, g uint8, bias bool) {
		p := Conv2DParams{N: int(n), C: int(c), H: int(h), W: int(w), OutC: int(oc), KH: int(kh), KW: int(kw),
			StrideH: int(sh), StrideW: int(sw), PadTop: int(pt), PadBottom: int(pb), PadLeft: int(pl), PadRight: int(pr),
			DilationH: int(dh), DilationW: int(dw), Groups: int(g)}
		checkConv(t, p, bias, uint64(n)+uint64(c)<<8)
	})
}

// TestConv2DRandom runs many random geometries through every conv path
// against the naive reference (the fuzz target's check, deterministic).
func TestConv2DRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(42, 43))
	count := 400
	if testing.Short() {
		count = 100
	}
	ran := 0
	for i := 0; i < count; i++ {
		g := 1 + r.IntN(3)
		if r.IntN(4) == 0 {
			g = 4
		}
		p := Conv2DParams{N: 1 + r.IntN(2), C: g * (1 + r.IntN(3)), H: 1 + r.IntN(9), W: 1 + r.IntN(9),
			OutC: g * (1 + r.IntN(3)), KH: 1 + r.IntN(4), KW: 1 + r.IntN(4),
			StrideH: 1 + r.IntN(3), StrideW: 1 + r.IntN(3), PadTop: r.IntN(3), PadBottom: r.IntN(3), PadLeft: r.IntN(3), PadRight: r.IntN(3),
			DilationH: 1 + r.IntN(2), DilationW: 1 + r.IntN(2), Groups: g}
		switch r.IntN(5) {
		case 0: // depthwise
			p.C, p.Groups = g, g
		case 1: // Winograd
			p.C, p.OutC = g*(winoMinC+r.IntN(4)), g*(winoMinC+r.IntN(4))
			p.KH, p.KW, p.StrideH, p.StrideW, p.DilationH, p.DilationW = 3, 3, 1, 1, 1, 1
		}
		if checkConv(t, p, r.IntN(2) == 0, uint64(i)) {
			ran++
		}
	}
	if ran < count/2 {
		t.Errorf("only %d of %d random geometries were valid", ran, count)
	}
}

// TestConvWinogradChunks covers the Winograd path over several chunks of
// tiles, odd output sizes and asymmetric padding.
func TestConvWinogradChunks(t *testing.T) {
	for _, p := range []Conv2DParams{
		{N: 2, C: 8, H: 41, W: 37, OutC: 16, KH: 3, KW: 3, StrideH: 1, StrideW: 1, PadTop: 1, PadBottom: 1, PadLeft: 1, PadRight: 1, DilationH: 1, DilationW: 1, Groups: 1},
		{N: 1, C: 12, H: 60, W: 45, OutC: 8, KH: 3, KW: 3, StrideH: 1, StrideW: 1, PadTop: 2, PadBottom: 0, PadLeft: 0, PadRight: 1, DilationH: 1, DilationW: 1, Groups: 2},
	} {
		if !p.winograd() || p.winoChunk() >= ((p.OutH()+1)/2)*((p.OutW()+1)/2) {
			t.Fatalf("%+v does not exercise several Winograd chunks", p)
		}
		if !checkConv(t, p, true, 9) {
			t.Fatalf("%+v did not run", p)
		}
	}
}

func FuzzPool2D(f *testing.F) {
	f.Add(uint8(2), uint8(3), uint8(7), uint8(9), uint8(3), uint8(3), uint8(2), uint8(2), uint8(1), uint8(1), uint8(1), uint8(1), true)
	f.Fuzz(func(t *testing.T, n, c, h, w, kh, kw, sh, sw, pt, pb, pl, pr uint8, inc bool) {
		p := Pool2DParams{N: int(n), C: int(c), H: int(h), W: int(w), KH: int(kh), KW: int(kw), StrideH: int(sh), StrideW: int(sw),
			PadTop: int(pt), PadBottom: int(pb), PadLeft: int(pl), PadRight: int(pr), CountIncludePad: inc}
		if p.Validate() != nil || p.N*p.C*p.H*p.W > fuzzBudget {
			return
		}
		r := rand.New(rand.NewPCG(uint64(h), uint64(w)))
		x := randSlice(r, p.N*p.C*p.H*p.W)
		dst, check := guarded(t, p.N*p.C*p.OutH()*p.OutW())
		MaxPool2D(&p, dst, x)
		for _, v := range dst {
			if math.IsInf(float64(v), -1) {
				t.Fatalf("%+v: a window holds no input", p)
			}
		}
		AvgPool2D(&p, dst, x)
		check()
	})
}

func FuzzShapeOps(f *testing.F) {
	f.Add([]byte{2, 3, 4}, []byte{2, 0, 1}, []byte{1, 0, 2}, []byte{3, 9, 1}, []byte{1, 1, 2}, []byte{0, 2, 1}, false)
	f.Fuzz(func(t *testing.T, shapeB, permB, startB, endB, stepB, padB []byte, reflect bool) {
		toInts := func(b []byte, off int) []int {
			v := make([]int, len(b))
			for i, x := range b {
				v[i] = int(int8(x)) + off
			}
			return v
		}
		shape := make([]int, len(shapeB))
		n := 1
		for i, x := range shapeB {
			shape[i] = int(x % 8)
			n *= max(shape[i], 1)
		}
		if n > fuzzBudget {
			return
		}
		r := rand.New(rand.NewPCG(uint64(len(shape)), 7))
		x := randSlice(r, max(n, 1))
		if pm, err := NewPermute(shape, toInts(permB, 0)); err == nil {
			dst, check := guarded(t, sizeOf(pm.Shape()))
			Permute(&pm, dst, x)
			check()
		}
		if s, err := NewSlice(shape, toInts(startB, 0), toInts(endB, 0), toInts(stepB, 0)); err == nil {
			if s.Len() != sizeOf(s.Shape()) {
				t.Fatalf("slice length %d, shape %v", s.Len(), s.Shape())
			}
			dst, check := guarded(t, s.Len())
			Slice(&s, dst, x)
			check()
		}
		if len(padB) == len(shape) {
			mode := PadConstant
			if reflect {
				mode = PadReflect
			}
			pads := make([]int, len(padB))
			for i, v := range padB {
				pads[i] = int(v % 16)
			}
			if pd, err := NewPad(shape, pads, pads, mode, 1); err == nil && sizeOf(pd.Shape()) <= fuzzBudget {
				dst, check := guarded(t, sizeOf(pd.Shape()))
				Pad(&pd, dst, x)
				check()
			}
		}
		if bc, err := NewBroadcast(shape, toInts(permB, 0)); err == nil && bc.Len() <= fuzzBudget {
			bs := toInts(permB, 0)
			b := randSlice(r, max(sizeOf(bs), 1))
			dst, check := guarded(t, bc.Len())
			Binary(Add, &bc, dst, x, b)
			check()
		}
	})
}

func sizeOf(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// TestQConv2DRandom checks the tiled int8 convolution against direct
// integer loops on random geometries, some with several patch tiles.
func TestQConv2DRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	ran, tiled := 0, 0
	for it := 0; it < 40; it++ {
		g := 1 + r.IntN(2)
		p := QConv2DParams{Conv2DParams: Conv2DParams{N: 1 + r.IntN(2), C: g * (1 + r.IntN(160)), H: 1 + r.IntN(20), W: 1 + r.IntN(20),
			OutC: g * (1 + r.IntN(4)), KH: 1 + r.IntN(3), KW: 1 + r.IntN(3), StrideH: 1 + r.IntN(2), StrideW: 1 + r.IntN(2),
			PadTop: r.IntN(2), PadBottom: r.IntN(2), PadLeft: r.IntN(2), PadRight: r.IntN(2), DilationH: 1 + r.IntN(2), DilationW: 1 + r.IntN(2), Groups: g},
			QuantParams: QuantParams{XZero: int32(r.IntN(256)), YZero: int32(r.IntN(256))}}
		for range p.OutC {
			p.Mult = append(p.Mult, float32(r.Float64()*0.001+1e-5))
		}
		if p.Validate() != nil {
			continue
		}
		x := make([]uint8, p.InputLen())
		for i := range x {
			x[i] = uint8(r.IntN(256))
		}
		w := make([]int8, p.WeightLen())
		for i := range w {
			w[i] = int8(r.IntN(255) - 127)
		}
		bias := make([]int32, p.OutC)
		for i := range bias {
			bias[i] = int32(r.IntN(20000) - 10000)
		}
		ran++
		if p.qTilePos() < p.OutH()*p.OutW() {
			tiled++
		}
		np, na := QConv2DScratch(&p)
		dst := make([]uint8, p.OutputLen())
		QConv2D(&p, dst, x, w, bias, make([]uint8, np), make([]int32, na))
		pp := packedQConv(t, p, w)
		dstP := make([]uint8, p.OutputLen())
		QConv2D(&pp, dstP, x, nil, bias, make([]uint8, np), make([]int32, na))
		equalInts(t, "packed", dstP, dst)
		oh, ow := p.OutH(), p.OutW()
		cpg, opg := p.C/p.Groups, p.OutC/p.Groups
		for n := 0; n < p.N; n++ {
			for o := 0; o < p.OutC; o++ {
				for y := 0; y < oh; y++ {
					for xo := 0; xo < ow; xo++ {
						acc := bias[o]
						for c := 0; c < cpg; c++ {
							for i := 0; i < p.KH; i++ {
								for j := 0; j < p.KW; j++ {
									ih, iw := y*p.StrideH+i*p.DilationH-p.PadTop, xo*p.StrideW+j*p.DilationW-p.PadLeft
									if ih >= 0 && ih < p.H && iw >= 0 && iw < p.W {
										acc += (int32(x[((n*p.C+o/opg*cpg+c)*p.H+ih)*p.W+iw]) - p.XZero) * int32(w[((o*cpg+c)*p.KH+i)*p.KW+j])
									}
								}
							}
						}
						want := uint8(requantOne(acc, p.Mult[o], p.YZero, 0, 255))
						if got := dst[((n*p.OutC+o)*oh+y)*ow+xo]; got != want {
							t.Fatalf("%+v: out (%d,%d,%d,%d) = %d, want %d", p.Conv2DParams, n, o, y, xo, got, want)
						}
					}
				}
			}
		}
	}
	if ran < 20 || tiled < 3 {
		t.Errorf("%d geometries ran, %d with several tiles: too few", ran, tiled)
	}
}
