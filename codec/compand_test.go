package codec

import (
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"

	"github.com/edgerun/edgerun/internal/npy"
	"github.com/edgerun/edgerun/simd"
)

// TestCompandTorch compares ToUniform and ToNormal for every bit depth with
// PyTorch's float32 results (testdata/gen_compand.py). Values agree to the
// last bit except where PyTorch's float32 erf/erfinv is off by an ulp from
// the correctly rounded value; the bound is a few ulps of the output range.
func TestCompandTorch(t *testing.T) {
	read := func(name string) []float32 {
		a, err := npy.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		v, err := a.Float32()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	x, uni, nor := read("compand_x.npy"), read("compand_uniform.npy"), read("compand_normal.npy")
	for bits := 2; bits <= 8; bits++ {
		c, _ := NewCompander(bits)
		in := make([]float32, len(x))
		for i, v := range x {
			in[i] = v * c.Scale()
		}
		u := make([]float32, len(x))
		c.ToUniform(u, in)
		wantU := uni[(bits-2)*len(x) : (bits-1)*len(x)]
		exact, worst := 0, 0.0
		for i := range u {
			d := math.Abs(float64(u[i] - wantU[i]))
			if d == 0 {
				exact++
			}
			worst = math.Max(worst, d)
		}
		lat := make([]float32, 255)
		for i := range lat {
			lat[i] = float32(i - 127)
		}
		n := make([]float32, len(lat))
		c.ToNormal(n, lat)
		wantN := nor[(bits-2)*255 : (bits-1)*255]
		worstN := 0.0
		for i := range n {
			worstN = math.Max(worstN, math.Abs(float64(n[i]-wantN[i]))/math.Max(1, math.Abs(float64(wantN[i]))))
		}
		t.Logf("bits %d: ToUniform %d/%d exact, max abs err %.3g; ToNormal max rel err %.3g", bits, exact, len(u), worst, worstN)
		if worst > 4e-7*c.LatentMax() || exact < len(u)*9/10 {
			t.Errorf("bits %d: ToUniform max err %g, %d/%d exact", bits, worst, exact, len(u))
		}
		if worstN > 1e-6 {
			t.Errorf("bits %d: ToNormal max rel err %g", bits, worstN)
		}
	}
}

// TestCompandGolden recomputes the reference latents from the reference's
// projections. A latent may differ only where its pre-rounding value lies
// within float32 rounding of a .5 boundary, and then by at most 1.
func TestCompandGolden(t *testing.T) {
	for _, name := range []string{"rgb16x", "linear4x", "stereo"} {
		t.Run(name, func(t *testing.T) {
			proj, _ := loadF32(t, name+"_proj.npy")
			want, _ := loadI8(t, name+"_latent.npy")
			if len(proj) != len(want) {
				t.Fatalf("proj has %d values, latent %d", len(proj), len(want))
			}
			c, err := NewCompander(8)
			if err != nil {
				t.Fatal(err)
			}
			got := make([]int8, len(proj))
			u := make([]float32, len(proj))
			c.ToUniform(u, proj)
			c.Quantize(got, proj)
			boundary, mismatched := 0, 0
			for i := range got {
				// Within 4 ulps of a .5 boundary counts as a boundary value:
				// erf in float32 may differ by an ulp, and the scaling by 2M
				// magnifies the CDF's rounding.
				frac := math.Abs(float64(u[i]) - math.Floor(float64(u[i])) - 0.5)
				ulp := float64(math.Nextafter32(float32(math.Abs(float64(u[i]))), math.MaxFloat32)) - math.Abs(float64(u[i]))
				near := frac <= 4*ulp
				if near {
					boundary++
				}
				if got[i] != want[i] {
					mismatched++
					d := int(got[i]) - int(want[i])
					if d < -1 || d > 1 || !near {
						t.Errorf("latent %d: got %d, want %d (pre-rounding %.9g)", i, got[i], want[i], u[i])
					}
				}
			}
			t.Logf("%d latents: %d within float32 rounding of .5, %d differ (by 1)", len(got), boundary, mismatched)
			if mismatched > len(got)/1000+2 {
				t.Errorf("%d mismatches is more than boundary cases explain", mismatched)
			}
		})
	}
}

func TestCompandRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for bits := 2; bits <= 8; bits++ {
		c, err := NewCompander(bits)
		if err != nil {
			t.Fatal(err)
		}
		x := make([]float32, 4096)
		for i := range x {
			x[i] = float32(r.NormFloat64()) * c.Scale()
		}
		u := make([]float32, len(x))
		c.ToUniform(u, x)
		back := make([]float32, len(x))
		c.ToNormal(back, u)
		maxU := float32(c.LatentMax())
		for i := range x {
			if u[i] <= -maxU || u[i] >= maxU {
				t.Fatalf("bits %d: ToUniform(%g) = %g outside ±%g", bits, x[i], u[i], maxU)
			}
			// Inside the ToNormal clamp (|z| < 3.719σ) the round trip is
			// limited by float32 resolution of the CDF near the tails.
			z := math.Abs(float64(x[i] / c.Scale()))
			if z < 3 {
				tol := 1e-5 * math.Exp(z*z/2) * float64(c.Scale())
				if d := math.Abs(float64(back[i] - x[i])); d > tol {
					t.Errorf("bits %d: ToNormal(ToUniform(%g)) = %g (err %g > %g)", bits, x[i], back[i], d, tol)
				}
			}
		}
		// Latents decode to the reconstruction levels, symmetric and
		// increasing, and the extreme latent stays inside the clamp.
		lat := make([]int8, 0, 1<<bits)
		for v := -(1<<(bits-1) - 1); v <= 1<<(bits-1)-1; v++ {
			lat = append(lat, int8(v))
		}
		dec := make([]float32, len(lat))
		c.Dequantize(dec, lat)
		for i := range dec {
			if i > 0 && !(dec[i] > dec[i-1]) {
				t.Errorf("bits %d: decode not increasing at %d: %g, %g", bits, lat[i], dec[i-1], dec[i])
			}
			// Symmetric up to float32 rounding of u+0.5 (as in the reference).
			if d := math.Abs(float64(dec[i] + dec[len(dec)-1-i])); d > 1e-5*math.Abs(float64(dec[i]))+1e-6 {
				t.Errorf("bits %d: decode not symmetric: %g vs %g", bits, dec[i], dec[len(dec)-1-i])
			}
		}
		// Quantize then Dequantize then Quantize is the identity on latents.
		q := make([]int8, len(dec))
		c.Quantize(q, dec)
		for i := range q {
			if q[i] != lat[i] {
				t.Errorf("bits %d: re-quantizing level %d gave %d", bits, lat[i], q[i])
			}
		}
	}
	if _, err := NewCompander(1); err == nil {
		t.Error("bits 1 accepted")
	}
	if _, err := NewCompander(9); err == nil {
		t.Error("bits 9 accepted")
	}
}

func TestQuantizeRounding(t *testing.T) {
	in := []float32{0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.49999997, 126.5, 127.5, 300, -300, float32(math.NaN()), float32(math.Inf(1))}
	want := []int8{0, 2, 2, 0, -2, -2, 0, 126, 127, 127, -128, 0, 127}
	got := make([]int8, len(in))
	simd.RoundS8(got, in)
	for i := range in {
		if got[i] != want[i] {
			t.Errorf("RoundS8(%g) = %d, want %d", in[i], got[i], want[i])
		}
	}
}

// TestQuantizeThresholds checks that Quantize, which looks values up among
// the thresholds where the latent steps, gives exactly the bits of the
// reference computation (ToUniform, then RoundS8): at and around every
// threshold, on a dense sweep of the range where latents step, on random
// float32 bit patterns, and at the special values.
func TestQuantizeThresholds(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for bits := 2; bits <= 8; bits++ {
		c, _ := NewCompander(bits)
		tab := c.table()
		if tab == nil {
			t.Fatalf("bits %d: no threshold table", bits)
		}
		if tab.steps.Approx == nil {
			t.Errorf("bits %d: the polynomial does not fit the latent", bits)
		}
		var vals []float32
		for _, th := range tab.thr[1 : 2*tab.l+1] {
			v := th
			for range 40 {
				v = math.Nextafter32(v, float32(math.Inf(-1)))
			}
			for range 81 {
				vals = append(vals, v)
				v = math.Nextafter32(v, float32(math.Inf(1)))
			}
		}
		lo, hi := float64(tab.thr[1]), float64(tab.thr[2*tab.l])
		span := hi - lo
		for i := range 200000 {
			vals = append(vals, float32(lo-span/8+float64(i)*span*1.25/200000))
		}
		for range 200000 {
			vals = append(vals, math.Float32frombits(r.Uint32()))
		}
		vals = append(vals, 0, float32(math.Copysign(0, -1)), float32(math.Inf(1)), float32(math.Inf(-1)),
			float32(math.NaN()), math.MaxFloat32, -math.MaxFloat32, math.SmallestNonzeroFloat32)
		got := make([]int8, len(vals))
		c.Quantize(got, vals)
		u := make([]float32, len(vals))
		want := make([]int8, len(vals))
		c.ToUniform(u, vals)
		simd.RoundS8(want, u)
		bad := 0
		for i := range vals {
			if got[i] != want[i] {
				if bad++; bad <= 5 {
					t.Errorf("bits %d: Quantize(%g) = %d, reference %d", bits, vals[i], got[i], want[i])
				}
			}
		}
		// Every latent level is reached.
		seen := map[int8]bool{}
		for _, q := range want {
			seen[q] = true
		}
		if len(seen) != 2*tab.l+1 {
			t.Errorf("bits %d: %d levels seen, want %d", bits, len(seen), 2*tab.l+1)
		}
		t.Logf("bits %d: %d thresholds, %d buckets, %d values, %d differ", bits, 2*tab.l, len(tab.steps.Base), len(vals), bad)
	}
}

// A zero Compander quantises without a table, as ToUniform then RoundS8,
// rather than failing.
func TestQuantizeZeroCompander(t *testing.T) {
	var c Compander
	x := []float32{-1, 0, 1}
	q, want := make([]int8, 3), make([]int8, 3)
	u := make([]float32, 3)
	c.Quantize(q, x)
	c.ToUniform(u, x)
	simd.RoundS8(want, u)
	if !slices.Equal(q, want) {
		t.Errorf("zero Compander: Quantize %v, ToUniform then RoundS8 %v", q, want)
	}
}

// At the deployed bit depth, Quantize gives the thresholds' latent for
// every float32 value there is: the approximation (where this CPU's
// kernel takes it) decides a value only where the thresholds agree.
func TestQuantizeExhaustive(t *testing.T) {
	if testing.Short() {
		t.Skip("2³² values")
	}
	c, _ := NewCompander(8)
	tab := c.table()
	if tab.steps.Approx == nil {
		t.Fatal("no approximation at 8 bits")
	}
	table := *tab.steps
	table.Approx = nil
	const chunk = 1 << 20
	src := make([]float32, chunk)
	got, want := make([]int8, chunk), make([]int8, chunk)
	bad := 0
	for base := uint64(0); base < 1<<32; base += chunk {
		for i := range src {
			src[i] = math.Float32frombits(uint32(base + uint64(i)))
		}
		c.Quantize(got, src)
		simd.StepLookup(want, src, &table)
		for i := range got {
			if got[i] != want[i] {
				if bad++; bad <= 5 {
					t.Errorf("Quantize(%g) = %d, thresholds %d", src[i], got[i], want[i])
				}
			}
		}
	}
	if bad > 0 {
		t.Fatalf("%d of 2³² values differ", bad)
	}
}
