package simd

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/x448/float16"
)

// f32ConvInputs holds every f32 -> f16/bf16 rounding case worth checking:
// the specials, random bit patterns, and for every 16-bit pattern the
// exact halfway points to its neighbour in both formats and the float32
// values one ulp either side of them.
func f32ConvInputs() []float32 {
	v := append([]float32(nil), f32Specials...)
	r := rand.New(rand.NewPCG(1, 2))
	for range 1 << 16 {
		v = append(v, math.Float32frombits(r.Uint32()))
	}
	for h := range 1 << 16 {
		a := float16.Frombits(uint16(h)).Float32()
		b := float16.Frombits(uint16(h + 1)).Float32()
		if !math.IsNaN(float64(a)) && !math.IsNaN(float64(b)) && !math.IsInf(float64(a), 0) && !math.IsInf(float64(b), 0) {
			mid := float32((float64(a) + float64(b)) / 2)
			u := math.Float32bits(mid)
			v = append(v, mid, math.Float32frombits(u+1), math.Float32frombits(u-1))
		}
		u := uint32(h)<<16 | 0x8000 // bf16 tie
		v = append(v, math.Float32frombits(u), math.Float32frombits(u+1), math.Float32frombits(u-1))
	}
	return v
}

func TestF16ToF32(t *testing.T) {
	all := make([]uint16, 1<<16)
	for i := range all {
		all[i] = uint16(i)
	}
	for _, im := range f16ToF32Family.available() {
		got := make([]float32, len(all))
		im.fn(got, all)
		for i, h := range all {
			want := float16.Frombits(h).Float32()
			if math.Float32bits(got[i]) != math.Float32bits(want) {
				t.Fatalf("%s: f16 %#04x -> %#08x, want %#08x", im.name, h, math.Float32bits(got[i]), math.Float32bits(want))
			}
		}
		checkConvLens(t, im.name, im.fn, all, f16ToF32Generic)
	}
}

func TestBF16ToF32(t *testing.T) {
	all := make([]uint16, 1<<16)
	for i := range all {
		all[i] = uint16(i)
	}
	for _, im := range bf16ToF32Family.available() {
		got := make([]float32, len(all))
		im.fn(got, all)
		for i, h := range all {
			if math.Float32bits(got[i]) != uint32(h)<<16 {
				t.Fatalf("%s: bf16 %#04x -> %#08x", im.name, h, math.Float32bits(got[i]))
			}
		}
		checkConvLens(t, im.name, im.fn, all, bf16ToF32Generic)
	}
}

func TestF32ToF16(t *testing.T) {
	in := f32ConvInputs()
	for _, im := range f32ToF16Family.available() {
		got := make([]uint16, len(in))
		im.fn(got, in)
		for i, f := range in {
			if want := float16.Fromfloat32(f).Bits(); got[i] != want {
				t.Fatalf("%s: f32 %#08x (%g) -> %#04x, want %#04x", im.name, math.Float32bits(f), f, got[i], want)
			}
		}
		checkConvLens(t, im.name, im.fn, in, f32ToF16Generic)
	}
}

func TestF32ToBF16(t *testing.T) {
	in := f32ConvInputs()
	for _, im := range f32ToBF16Family.available() {
		t.Log(im.name)
		got := make([]uint16, len(in))
		im.fn(got, in)
		for i, f := range in {
			if want := bf16Reference(f); got[i] != want {
				t.Fatalf("%s: f32 %#08x (%g) -> %#04x, want %#04x", im.name, math.Float32bits(f), f, got[i], want)
			}
		}
		checkConvLens(t, im.name, im.fn, in, f32ToBF16Generic)
	}
}

// bf16Reference rounds through float64 arithmetic, independently of the
// bit trick in bf16FromF32: the nearest bf16 value, ties to the even one.
func bf16Reference(f float32) uint16 {
	u := math.Float32bits(f)
	if f != f {
		return uint16(u>>16) | 0x40
	}
	lo := u &^ 0xffff
	hi := lo + 0x10000 // next bf16 away from zero (may be Inf)
	dl := math.Abs(float64(f) - float64(math.Float32frombits(lo)))
	dh := math.Abs(float64(math.Float32frombits(hi)) - float64(f))
	if lo&0x7fffffff == 0x7f7f0000 { // the step above is Inf: compare to 2^128
		dh = math.Abs(math.Ldexp(math.Copysign(1, float64(f)), 128) - float64(f))
	}
	switch {
	case dl < dh:
		return uint16(lo >> 16)
	case dh < dl:
		return uint16(hi >> 16)
	case (lo>>16)&1 == 0:
		return uint16(lo >> 16)
	}
	return uint16(hi >> 16)
}

// checkConvLens runs fn on every test length at several misalignments and
// compares with the generic twin bit for bit, guards included.
func checkConvLens[D, S comparable](t *testing.T, name string, fn func([]D, []S), in []S, ref func([]D, []S)) {
	t.Helper()
	var guard D
	switch p := any(&guard).(type) {
	case *float32:
		*p = math.Float32frombits(0x7fc0dead)
	case *uint16:
		*p = 0xdead
	}
	for _, n := range testLens() {
		for off := 0; off < 4; off++ {
			src := in[off*97%len(in):]
			src = src[:min(n, len(src))]
			want := make([]D, len(src))
			ref(want, src)
			full, dst := guarded(len(src), off, guard)
			fn(dst, src)
			checkGuard(t, name, full, off, len(src), guard)
			for i := range want {
				if !eqBits(dst[i], want[i]) {
					t.Fatalf("%s n=%d off=%d: [%d] = %v, want %v", name, n, off, i, dst[i], want[i])
				}
			}
		}
	}
}

func BenchmarkConvert(b *testing.B) {
	const n = 1 << 16
	f := randF32(rand.New(rand.NewPCG(3, 4)), n, 100)
	h := make([]uint16, n)
	b.Run("F16ToF32", func(b *testing.B) {
		b.SetBytes(n * 6)
		for b.Loop() {
			F16ToF32(f, h)
		}
	})
	b.Run("F32ToF16", func(b *testing.B) {
		b.SetBytes(n * 6)
		for b.Loop() {
			F32ToF16(h, f)
		}
	})
	b.Run("BF16ToF32", func(b *testing.B) {
		b.SetBytes(n * 6)
		for b.Loop() {
			BF16ToF32(f, h)
		}
	})
	b.Run("F32ToBF16", func(b *testing.B) {
		b.SetBytes(n * 6)
		for b.Loop() {
			F32ToBF16(h, f)
		}
	})
}
