package simd

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/x448/float16"
)

// elemFamilies are the families of this file group, by name and chosen
// implementation, for the coverage and allocation checks.
func elemFamilies() []chooser {
	return []chooser{
		f16ToF32Family, f32ToF16Family, bf16ToF32Family, f32ToBF16Family,
		reluFamily, expFamily, sigmoidFamily, siluFamily, tanhFamily, geluFamily,
		normCDFFamily, normPPFFamily, roundS8Family, scaleAddFamily, lut16Family,
	}
}

// TestElemFamiliesUseAssembly fails (rather than skips) when a CPU that has
// an assembly level runs one of these families on its generic twin: that
// would mean a registration was lost and the tests above checked nothing.
func TestElemFamiliesUseAssembly(t *testing.T) {
	want := Detected() >= AVX2 || Detected() >= NEON
	if !want {
		t.Logf("level %s: generic twins only", Detected())
	}
	prev := Active()
	defer func() {
		if err := SetLevel(prev); err != nil {
			t.Fatal(err)
		}
	}()
	if err := SetLevel(Detected()); err != nil {
		t.Fatal(err)
	}
	for _, f := range elemFamilies() {
		if got := f.chosenName(); want && got == "generic" {
			t.Errorf("family %s runs generic at level %s", f.familyName(), Detected())
		}
	}
}

// TestElemNoAllocs: the kernels, tails included, allocate nothing.
func TestElemNoAllocs(t *testing.T) {
	src := make([]float32, 37)
	dst := make([]float32, 37)
	h := make([]uint16, 37)
	q := make([]int8, 37)
	codes := make([]byte, LUT16CodesSize(45, 3))
	tables := make([]int8, 48)
	out := make([]int32, 45)
	for _, f := range []func(){
		func() { F16ToF32(dst, h) }, func() { F32ToF16(h, src) },
		func() { BF16ToF32(dst, h) }, func() { F32ToBF16(h, src) },
		func() { Relu(dst, src) }, func() { Exp(dst, src) }, func() { Sigmoid(dst, src) },
		func() { Silu(dst, src) }, func() { Tanh(dst, src) }, func() { Gelu(dst, src) },
		func() { NormCDF(dst, src) }, func() { NormPPF(dst, src) }, func() { RoundS8(q, src) },
		func() { ScaleAdd(dst, src, 2, 1) },
		func() { LUT16Accumulate(out, codes, tables, 45, 3) },
	} {
		if n := testing.AllocsPerRun(10, f); n != 0 {
			t.Errorf("%d allocations per call", int(n))
		}
	}
}

func FuzzF32ToF16(f *testing.F) {
	f.Add(uint32(0x3f800000), uint32(0x7f800001), uint32(0x33000000))
	f.Fuzz(func(t *testing.T, a, b, c uint32) {
		in := []float32{math.Float32frombits(a), math.Float32frombits(b), math.Float32frombits(c)}
		for _, im := range f32ToF16Family.available() {
			got := make([]uint16, 3)
			im.fn(got, in)
			for i, x := range in {
				if want := float16.Fromfloat32(x).Bits(); got[i] != want {
					t.Fatalf("%s: %#08x -> %#04x, want %#04x", im.name, math.Float32bits(x), got[i], want)
				}
			}
		}
		for _, im := range f32ToBF16Family.available() {
			got := make([]uint16, 3)
			im.fn(got, in)
			for i, x := range in {
				if want := bf16Reference(x); got[i] != want {
					t.Fatalf("%s: %#08x -> bf16 %#04x, want %#04x", im.name, math.Float32bits(x), got[i], want)
				}
			}
		}
	})
}

func FuzzLUT16Accumulate(f *testing.F) {
	f.Add(uint64(1), uint16(33), uint16(5))
	f.Fuzz(func(t *testing.T, seed uint64, rows, subs uint16) {
		nr, ns := int(rows%200), int(subs%600)
		r := rand.New(rand.NewPCG(seed, 1))
		codes := make([]uint8, nr*ns)
		for i := range codes {
			codes[i] = uint8(r.IntN(16))
		}
		tables := make([]int8, ns*16)
		for i := range tables {
			tables[i] = int8(r.Uint32())
		}
		packed := make([]byte, LUT16CodesSize(nr, ns))
		PackLUT4Codes(packed, codes, nr, ns)
		want := make([]int32, nr)
		for row := range want {
			for s := 0; s < ns; s++ {
				want[row] += int32(tables[s*16+int(codes[row*ns+s])])
			}
		}
		saved := lut16Fn
		defer func() { lut16Fn = saved }()
		for _, im := range lut16Family.available() {
			lut16Fn = im.fn
			out := make([]int32, nr)
			LUT16Accumulate(out, packed, tables, nr, ns)
			for row := range want {
				if out[row] != want[row] {
					t.Fatalf("%s %dx%d: row %d = %d, want %d", im.name, nr, ns, row, out[row], want[row])
				}
			}
		}
	})
}
