package simd

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// elemCase ties a kernel family to the float64 function it approximates
// and the range where its float32 results are not trivially constant.
type elemCase struct {
	name    string
	fam     *family[elemFunc]
	ref     func(float64) float64
	maxAbs  float32 // sweep every binade of |x| up to this
	posOnly bool
	maxULP  int64 // stated bound against the float64 function rounded to float32
}

func elemCases() []elemCase {
	return []elemCase{
		{"relu", reluFamily, func(x float64) float64 {
			if x < 0 {
				return 0
			}
			return x
		}, math.MaxFloat32, false, 0},
		{"exp", expFamily, math.Exp, 110, false, expMaxULP},
		{"sigmoid", sigmoidFamily, func(x float64) float64 { return 1 / (1 + math.Exp(-x)) }, 110, false, expFamilyMaxULP},
		{"silu", siluFamily, func(x float64) float64 { return x / (1 + math.Exp(-x)) }, 200, false, expFamilyMaxULP},
		{"tanh", tanhFamily, math.Tanh, 20, false, expFamilyMaxULP},
		{"gelu", geluFamily, func(x float64) float64 { return x * normCDF64(x) }, 20, false, 1},
		{"normcdf", normCDFFamily, normCDF64, 16, false, 1},
		{"normppf", normPPFFamily, normPPF64, 1, true, 1},
	}
}

// elemInputs returns the specials, a sweep with about n values spread
// evenly over the bit patterns of [-maxAbs, maxAbs] (so every binade down
// to the subnormals is visited), and random values.
func elemInputs(c elemCase, n int) []float32 {
	v := append([]float32(nil), f32Specials...)
	top := math.Float32bits(c.maxAbs)
	step := max(1, top/uint32(n))
	for b := uint32(0); b <= top; b += step {
		x := math.Float32frombits(b)
		v = append(v, x)
		if !c.posOnly {
			v = append(v, -x)
		}
	}
	if c.posOnly {
		// The top binade below 1, where 1-p carries the precision.
		for k := 1; k < 4096; k++ {
			v = append(v, 1-float32(k)*0x1p-24, 0.5+float32(k)*0x1p-13)
		}
	}
	r := rand.New(rand.NewPCG(9, 10))
	for range n / 4 {
		x := r.Float32() * min(c.maxAbs, 1e4)
		if !c.posOnly && r.IntN(2) == 0 {
			x = -x
		}
		v = append(v, x)
	}
	return v
}

// ulpDiff is the number of float32 values between a and b (0 when both
// are NaN, or both zeros of either sign); a NaN against a number is huge.
func ulpDiff(a, b float32) int64 {
	if a != a || b != b {
		if a != a && b != b {
			return 0
		}
		return math.MaxInt64
	}
	ord := func(f float32) int64 {
		u := math.Float32bits(f)
		if u&0x80000000 != 0 {
			return -int64(u & 0x7fffffff)
		}
		return int64(u)
	}
	d := ord(a) - ord(b)
	if d < 0 {
		d = -d
	}
	return d
}

// The stated bounds against the float64 function rounded to float32 (see
// the notes in elem.go): NormCDF, Gelu and NormPPF 1 ulp, Exp 2 ulp,
// Sigmoid, Silu and Tanh 3 ulp. The generic twins are held to 1 ulp.
const (
	expMaxULP       = 2
	expFamilyMaxULP = 3
)

func bound(c elemCase, im string) int64 {
	if im == "generic" {
		return min(c.maxULP, 1)
	}
	return c.maxULP
}

func TestElemAccuracy(t *testing.T) {
	n := 1 << 18
	if testing.Short() {
		n = 1 << 14
	}
	for _, c := range elemCases() {
		in := elemInputs(c, n)
		got := make([]float32, len(in))
		for _, im := range c.fam.available() {
			im.fn(got, in)
			var worst int64
			for i, x := range in {
				want := float32(c.ref(float64(x)))
				d := ulpDiff(got[i], want)
				if d > bound(c, im.name) {
					t.Fatalf("%s/%s(%g [%#08x]) = %g, want %g (%d ulp)", c.name, im.name, x, math.Float32bits(x), got[i], want, d)
				}
				worst = max(worst, d)
			}
			t.Logf("%s/%s: %d inputs, max %d ulp", c.name, im.name, len(in), worst)
		}
	}
}

// TestElemLens runs every kernel on every length up to 130 and a few large
// ones, at several misalignments, with guard values around dst, and in
// place (dst == src).
func TestElemLens(t *testing.T) {
	for _, c := range elemCases() {
		in := elemInputs(c, 4096)
		for _, im := range c.fam.available() {
			for _, n := range testLens() {
				for off := 0; off < 3; off++ {
					src := in[(n*31+off*7)%len(in):]
					src = src[:min(n, len(src))]
					guard := math.Float32frombits(0x7fc0beef)
					full, dst := guarded(len(src), off, guard)
					im.fn(dst, src)
					checkGuard(t, c.name+"/"+im.name, full, off, len(src), guard)
					inplace := append([]float32(nil), src...)
					im.fn(inplace, inplace)
					for i, x := range src {
						want := float32(c.ref(float64(x)))
						if b := bound(c, im.name); ulpDiff(dst[i], want) > b || ulpDiff(inplace[i], want) > b {
							t.Fatalf("%s/%s n=%d off=%d: f(%g) = %g (in place %g), want %g", c.name, im.name, n, off, x, dst[i], inplace[i], want)
						}
					}
				}
			}
		}
	}
}

// TestElemSpecials pins the PyTorch results on the special values.
func TestElemSpecials(t *testing.T) {
	inf, nan := float32(math.Inf(1)), float32(math.NaN())
	negz := float32(math.Copysign(0, -1))
	cases := []struct {
		fn   func(dst, src []float32)
		in   []float32
		want []float32
	}{
		{Relu, []float32{negz, nan, -inf, inf, -3}, []float32{negz, nan, 0, inf, 0}},
		{Exp, []float32{-inf, inf, nan, 0, 89, -104}, []float32{0, inf, nan, 1, inf, 0}},
		{Sigmoid, []float32{-inf, inf, nan, 0}, []float32{0, 1, nan, 0.5}},
		{Silu, []float32{-inf, inf, nan, -1e30}, []float32{nan, inf, nan, 0}},
		{Tanh, []float32{-inf, inf, nan, negz, 1e-30}, []float32{-1, 1, nan, negz, 1e-30}},
		{Gelu, []float32{-inf, inf, nan, -1e30, 1e30}, []float32{nan, inf, nan, 0, 1e30}},
		{NormCDF, []float32{-inf, inf, nan, 0, -15, 6}, []float32{0, 1, nan, 0.5, 0, 1}},
		{NormPPF, []float32{0, 1, 0.5, -0.1, 1.1, nan}, []float32{-inf, inf, 0, nan, nan, nan}},
	}
	for _, l := range Supported() {
		if err := SetLevel(l); err != nil {
			t.Fatal(err)
		}
		for i, c := range cases {
			got := make([]float32, len(c.in))
			c.fn(got, c.in)
			for j := range got {
				if ulpDiff(got[j], c.want[j]) != 0 {
					t.Errorf("level %s case %d: f(%g) = %g, want %g", l, i, c.in[j], got[j], c.want[j])
				}
			}
		}
	}
	if err := SetLevel(Detected()); err != nil {
		t.Fatal(err)
	}
}

// TestNormPPFInvertsNormCDF checks the generic quantile function, the
// reference for the kernels, against an independent inversion: bisection
// of math.Erfc.
func TestNormPPFInvertsNormCDF(t *testing.T) {
	for _, p := range []float64{1e-300, 1e-45, 1e-20, 1e-8, 0.001, 0.02425, 0.1, 0.3, 0.5, 0.7, 0.97575, 0.999, 1 - 1e-9, 1 - 0x1p-24} {
		lo, hi := -40.0, 40.0
		for range 200 {
			mid := (lo + hi) / 2
			if normCDF64(mid) < p {
				lo = mid
			} else {
				hi = mid
			}
		}
		got := normPPF64(p)
		if d := math.Abs(got - lo); d > 1e-13*math.Max(1, math.Abs(lo)) && p < 0.5 {
			t.Errorf("Φ⁻¹(%g) = %.17g, bisection %.17g", p, got, lo)
		}
		// Above 1/2 the float64 p itself is coarse; check the upper tail.
		if p > 0.5 {
			if r := normCDF64(-got) / (1 - p); math.Abs(r-1) > 1e-12 {
				t.Errorf("Φ⁻¹(%g) = %.17g: upper tail ratio %.17g", p, got, r)
			}
		}
	}
}

func TestRoundS8(t *testing.T) {
	in := append([]float32(nil), f32Specials...)
	for x := float32(-130.5); x <= 130.5; x += 0.25 {
		in = append(in, x, math.Nextafter32(x, 1000), math.Nextafter32(x, -1000))
	}
	r := rand.New(rand.NewPCG(11, 12))
	for range 4096 {
		in = append(in, math.Float32frombits(r.Uint32()), (r.Float32()-0.5)*400)
	}
	for _, im := range roundS8Family.available() {
		got := make([]int8, len(in))
		im.fn(got, in)
		for i, x := range in {
			if want := roundS8Ref(x); got[i] != want {
				t.Fatalf("%s: RoundS8(%g) = %d, want %d", im.name, x, got[i], want)
			}
		}
		checkConvLens(t, im.name, im.fn, in, roundS8Generic)
	}
}

// roundS8Ref spells out the rounding without math.RoundToEven.
func roundS8Ref(x float32) int8 {
	if x != x {
		return 0
	}
	v := float64(x)
	if v > 127 {
		return 127
	}
	if v < -128 {
		return -128
	}
	f := math.Floor(v)
	switch d := v - f; {
	case d > 0.5, d == 0.5 && int64(f)%2 != 0:
		f++
	}
	return int8(max(-128, min(127, f)))
}

func BenchmarkElem(b *testing.B) {
	const n = 1 << 14
	in := randF32(rand.New(rand.NewPCG(13, 14)), n, 4)
	for i := range in {
		if in[i] != in[i] || in[i] > 10 || in[i] < -10 {
			in[i] = 0.25
		}
	}
	ppf := make([]float32, n)
	for i := range ppf {
		ppf[i] = (float32(i) + 0.5) / n
	}
	out := make([]float32, n)
	for _, c := range elemCases() {
		src := in
		if c.posOnly {
			src = ppf
		}
		b.Run(fmt.Sprintf("%s/%d", c.name, n), func(b *testing.B) {
			b.SetBytes(n * 8)
			for b.Loop() {
				(*c.fam.dst)(out, src)
			}
		})
	}
	b.Run(fmt.Sprintf("scaleadd/%d", n), func(b *testing.B) {
		b.SetBytes(n * 8)
		for b.Loop() {
			ScaleAdd(out, in, 1.5, -0.25)
		}
	})
	q := make([]int8, n)
	b.Run(fmt.Sprintf("rounds8/%d", n), func(b *testing.B) {
		b.SetBytes(n * 5)
		for b.Loop() {
			RoundS8(q, in)
		}
	})
}

// TestScaleAdd holds every kernel to the generic bits, including inputs
// where a fused multiply-add would round differently (a*x exactly 1 plus a
// tiny remainder, then b = -1).
func TestScaleAdd(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	in := append(randF32(r, 5000, 100), f32Specials...)
	for range 500 {
		in = append(in, 3+float32(r.IntN(64))*0x1p-22)
	}
	for _, ab := range [][2]float32{{1.0 / 3, -1}, {2.5, 0.125}, {-1e-3, 7}, {0, 0}, {1e30, -1e30}} {
		a, b := ab[0], ab[1]
		want := make([]float32, len(in))
		scaleAddGeneric(want, in, a, b)
		for i, x := range in {
			if w := float32(a*x) + b; !eqBits(w, want[i]) && !(w != w && want[i] != want[i]) {
				t.Fatalf("generic: %g*%g+%g = %g, want %g", a, x, b, want[i], w)
			}
		}
		for _, im := range scaleAddFamily.available() {
			fn := func(dst, src []float32) { im.fn(dst, src, a, b) }
			ref := func(dst, src []float32) { scaleAddGeneric(dst, src, a, b) }
			checkConvLens(t, im.name, fn, in, ref)
			got := append([]float32(nil), in...)
			im.fn(got, got, a, b)
			for i := range got {
				if !eqBits(got[i], want[i]) && !(got[i] != got[i] && want[i] != want[i]) {
					t.Fatalf("%s in place: %g*%g+%g = %g, want %g", im.name, a, in[i], b, got[i], want[i])
				}
			}
		}
	}
}
