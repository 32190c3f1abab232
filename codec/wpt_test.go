package codec

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/edgerun/edgerun/simd"
)

// refAnalyze1D is the periodized DWT written straight from its definition
// in float64: an odd signal is extended by its last sample, then
// lo[k] = Σ_j DecLo[j]·x[(2k+L/2-j) mod N]. This is what PyWavelets'
// mode="periodization" computes at every length (and pytorch_wavelets from
// length L-1 on); it shares no code with the planned transforms.
func refAnalyze1D(f *Filter, x []float64) (lo, hi []float64) {
	if len(x)%2 == 1 {
		x = append(x[:len(x):len(x)], x[len(x)-1])
	}
	n, l := len(x), f.Len()
	lo, hi = make([]float64, n/2), make([]float64, n/2)
	for k := range lo {
		for j := 0; j < l; j++ {
			v := x[mod(2*k+l/2-j, n)]
			lo[k] += float64(f.DecLo[j]) * v
			hi[k] += float64(f.DecHi[j]) * v
		}
	}
	return lo, hi
}

// refWPT2D is the packet transform from refAnalyze1D: rows, then columns,
// band order LL, LH, HL, HH, channel c·4+f, J times.
func refWPT2D(f *Filter, x []float64, planes, h, w, levels int) ([]float64, int, int) {
	for lv := 0; lv < levels; lv++ {
		ho, wo := (h+1)/2, (w+1)/2
		out := make([]float64, planes*4*ho*wo)
		for pl := 0; pl < planes; pl++ {
			rl := make([]float64, h*wo) // row-lo
			rh := make([]float64, h*wo)
			for r := 0; r < h; r++ {
				lo, hi := refAnalyze1D(f, x[(pl*h+r)*w:(pl*h+r+1)*w])
				copy(rl[r*wo:], lo)
				copy(rh[r*wo:], hi)
			}
			for half, src := range [2][]float64{rl, rh} {
				col := make([]float64, h)
				for cidx := 0; cidx < wo; cidx++ {
					for r := 0; r < h; r++ {
						col[r] = src[r*wo+cidx]
					}
					lo, hi := refAnalyze1D(f, col)
					for k := 0; k < ho; k++ {
						out[((pl*4+2*half)*ho+k)*wo+cidx] = lo[k]
						out[((pl*4+2*half+1)*ho+k)*wo+cidx] = hi[k]
					}
				}
			}
		}
		x, planes, h, w = out, planes*4, ho, wo
	}
	return x, h, w
}

func maxAbs(v []float32) float64 {
	m := 0.0
	for _, x := range v {
		m = math.Max(m, math.Abs(float64(x)))
	}
	return m
}

var filters = []*Filter{Bior44, Haar}

// TestWPT2DReference compares the planned 2D transform with the definition
// on many shapes, tiny and odd ones included, and checks perfect
// reconstruction.
func TestWPT2DReference(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	sizes := []int{1, 2, 3, 4, 5, 7, 8, 9, 12, 13, 16, 24, 31}
	if testing.Short() {
		sizes = []int{1, 2, 3, 5, 8, 9, 13, 24}
	}
	for _, f := range filters {
		for _, h := range sizes {
			for _, w := range sizes {
				for levels := 1; levels <= 4; levels++ {
					if (h>>levels) == 0 && (w>>levels) == 0 && levels > 2 {
						continue
					}
					n, c := 1+(h+w)%2, 1+(h*w+levels)%3
					checkWPT2D(t, r, f, n, c, h, w, levels)
				}
			}
		}
	}
}

func checkWPT2D(t *testing.T, r *rand.Rand, f *Filter, n, c, h, w, levels int) {
	t.Helper()
	name := fmt.Sprintf("%s/%dx%dx%dx%d/J%d", f.Name, n, c, h, w, levels)
	p, err := NewWPT2D(f, n, c, h, w, levels)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	x := randF32(r, p.InLen())
	// Guard values after every buffer catch writes past the planned sizes.
	const guard = 8
	y := make([]float32, p.OutLen()+guard)
	s := make([]float32, p.ScratchLen()+guard)
	for i := range guard {
		y[p.OutLen()+i], s[p.ScratchLen()+i] = 12345, 12345
	}
	if err := p.Forward(y[:p.OutLen()], x, s[:p.ScratchLen()]); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	x64 := make([]float64, len(x))
	for i, v := range x {
		x64[i] = float64(v)
	}
	want, ho, wo := refWPT2D(f, x64, n*c, h, w, levels)
	if _, oc, oh, ow := p.OutShape(); oh != ho || ow != wo || oc != c<<(2*levels) || len(want) != p.OutLen() {
		t.Fatalf("%s: OutShape %d %d %d, reference %d %d", name, oc, oh, ow, ho, wo)
	}
	var num, den float64
	for i := range want {
		num = math.Max(num, math.Abs(float64(y[i])-want[i]))
		den = math.Max(den, math.Abs(want[i]))
	}
	if num > 1e-5*den+1e-6 {
		t.Errorf("%s: forward differs from the definition by %g (max %g)", name, num, den)
	}
	back := make([]float32, len(x)+guard)
	for i := range guard {
		back[len(x)+i] = 12345
	}
	if err := p.Inverse(back[:len(x)], y[:p.OutLen()], s[:p.ScratchLen()]); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	e := relErr(back[:len(x)], x)
	if e > 1e-5 {
		t.Errorf("%s: reconstruction error %g", name, e)
	}
	for i := range guard {
		if y[p.OutLen()+i] != 12345 || s[p.ScratchLen()+i] != 12345 || back[len(x)+i] != 12345 {
			t.Fatalf("%s: wrote past a buffer", name)
		}
	}
}

func TestWPT1DReference(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, f := range filters {
		for l := 1; l <= 70; l++ {
			if testing.Short() && l > 20 && l%7 != 0 {
				continue
			}
			for levels := 1; levels <= 5; levels++ {
				n, c := 1+l%2, 1+(l+levels)%3
				name := fmt.Sprintf("%s/%dx%dx%d/J%d", f.Name, n, c, l, levels)
				p, err := NewWPT1D(f, n, c, l, levels)
				if err != nil {
					t.Fatal(err)
				}
				x := randF32(r, p.InLen())
				y := make([]float32, p.OutLen())
				s := make([]float32, p.ScratchLen())
				if err := p.Forward(y, x, s); err != nil {
					t.Fatal(err)
				}
				// Reference: split every row J times, order c·2+f.
				rows := make([][]float64, n*c)
				for i := range rows {
					rows[i] = make([]float64, l)
					for j := range rows[i] {
						rows[i][j] = float64(x[i*l+j])
					}
				}
				for lv := 0; lv < levels; lv++ {
					next := make([][]float64, 0, 2*len(rows))
					for _, row := range rows {
						lo, hi := refAnalyze1D(f, row)
						next = append(next, lo, hi)
					}
					rows = next
				}
				_, oc, ol := p.OutShape()
				if oc*n != len(rows) || ol != len(rows[0]) {
					t.Fatalf("%s: OutShape %d×%d, reference %d×%d", name, oc, ol, len(rows), len(rows[0]))
				}
				for i, row := range rows {
					for j, v := range row {
						if d := math.Abs(float64(y[i*ol+j]) - v); d > 1e-5*(1+math.Abs(v))*float64(levels) {
							t.Fatalf("%s: coefficient %d,%d = %g, want %g", name, i, j, y[i*ol+j], v)
						}
					}
				}
				back := make([]float32, len(x))
				if err := p.Inverse(back, y, s); err != nil {
					t.Fatal(err)
				}
				if e := relErr(back, x); e > 1e-5 {
					t.Errorf("%s: reconstruction error %g", name, e)
				}
			}
		}
	}
}

// TestWPTBigShapes checks perfect reconstruction at sizes where the ring
// and the level ping-pong run long, including batch > 1.
func TestWPTBigShapes(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	shapes := [][5]int{{2, 3, 96, 128, 3}, {1, 1, 255, 257, 4}, {3, 2, 64, 40, 2}}
	if testing.Short() {
		shapes = shapes[:1]
	}
	for _, sh := range shapes {
		p, err := NewWPT2D(Bior44, sh[0], sh[1], sh[2], sh[3], sh[4])
		if err != nil {
			t.Fatal(err)
		}
		x := randF32(r, p.InLen())
		y := make([]float32, p.OutLen())
		s := make([]float32, p.ScratchLen())
		back := make([]float32, len(x))
		if err := p.Forward(y, x, s); err != nil {
			t.Fatal(err)
		}
		if err := p.Inverse(back, y, s); err != nil {
			t.Fatal(err)
		}
		if e := relErr(back, x); e > 1e-5 {
			t.Errorf("%v: reconstruction error %g", sh, e)
		}
		// Orthogonality is not expected of bior4.4, but the transform is
		// near-tight: energy is preserved to within a few percent.
		var ex, ey float64
		for _, v := range x {
			ex += float64(v) * float64(v)
		}
		for _, v := range y {
			ey += float64(v) * float64(v)
		}
		if ey < 0.8*ex || ey > 1.25*ex {
			t.Errorf("%v: energy %g → %g", sh, ex, ey)
		}
	}
}

func TestWPTNoAlloc(t *testing.T) {
	p, _ := NewWPT2D(Bior44, 1, 3, 64, 48, 3)
	x := make([]float32, p.InLen())
	y := make([]float32, p.OutLen())
	s := make([]float32, p.ScratchLen())
	if a := testing.AllocsPerRun(5, func() { _ = p.Forward(y, x, s); _ = p.Inverse(x, y, s) }); a != 0 {
		t.Errorf("WPT2D allocates %v times per run", a)
	}
	q, _ := NewWPT1D(Bior44, 1, 2, 4096, 5)
	x = make([]float32, q.InLen())
	y = make([]float32, q.OutLen())
	s = make([]float32, q.ScratchLen())
	if a := testing.AllocsPerRun(5, func() { _ = q.Forward(y, x, s); _ = q.Inverse(x, y, s) }); a != 0 {
		t.Errorf("WPT1D allocates %v times per run", a)
	}
	c, _ := NewCompander(8)
	lat := make([]int8, 256)
	if a := testing.AllocsPerRun(5, func() { c.Quantize(lat, x[:256]); c.Dequantize(x[:256], lat) }); a != 0 {
		t.Errorf("Compander allocates %v times per run", a)
	}
}

func TestWPTErrors(t *testing.T) {
	for _, args := range [][6]int{{0, 1, 8, 8, 1}, {1, 1, 8, 8, 0}, {1, 1, 8, 8, 13}, {1, 1, -1, 8, 1}, {1 << 30, 1 << 30, 1 << 20, 1 << 20, 1}} {
		if _, err := NewWPT2D(Bior44, args[0], args[1], args[2], args[3], args[4]); !errors.Is(err, ErrShape) {
			t.Errorf("NewWPT2D%v: %v", args[:5], err)
		}
	}
	if _, err := NewWPT2D(nil, 1, 1, 8, 8, 1); !errors.Is(err, ErrShape) {
		t.Errorf("nil filter: %v", err)
	}
	if _, err := NewWPT1D(Haar, 1, 1, 0, 1); !errors.Is(err, ErrShape) {
		t.Errorf("NewWPT1D zero length: %v", err)
	}
	p, _ := NewWPT2D(Bior44, 1, 1, 16, 16, 2)
	x := make([]float32, p.InLen())
	y := make([]float32, p.OutLen())
	s := make([]float32, p.ScratchLen())
	for _, err := range []error{
		p.Forward(y[:1], x, s), p.Forward(y, x[:3], s), p.Forward(y, x, s[:2]),
		p.Inverse(x[:5], y, s), p.Inverse(x, y[:1], s), p.Inverse(x, y, nil),
	} {
		if !errors.Is(err, ErrShape) {
			t.Errorf("short buffer: %v", err)
		}
	}
	if _, err := FilterByName("db4"); err == nil {
		t.Error("unknown wavelet accepted")
	}
	if f, err := FilterByName("db1"); err != nil || f != Haar {
		t.Error("db1 is haar")
	}
	if _, err := NewFilter("odd", []float64{1, 2, 3}, []float64{1, 2, 3}, []float64{1, 2, 3}, []float64{1, 2, 3}); err == nil {
		t.Error("odd-length filter accepted")
	}
	if _, err := NewFilter("nan", []float64{math.NaN(), 1}, []float64{1, 1}, []float64{1, 1}, []float64{1, 1}); err == nil {
		t.Error("NaN filter accepted")
	}
}

// TestFilterCoefficients checks the float32 filters against PyWavelets'
// float64 values and the biorthogonality that makes them invertible.
func TestFilterCoefficients(t *testing.T) {
	for _, f := range filters {
		var sl, sh float64
		for j := range f.DecLo {
			sl += float64(f.DecLo[j])
			sh += float64(f.DecHi[j])
		}
		if math.Abs(sl-math.Sqrt2) > 1e-6 || math.Abs(sh) > 1e-6 {
			t.Errorf("%s: Σ dec_lo = %g, Σ dec_hi = %g", f.Name, sl, sh)
		}
		// Σ_n rec_lo[n]·dec_lo[L-1-n-2k] = δ_k (PyWavelets' sign and
		// time-reversal convention).
		l := f.Len()
		for k := -l / 2; k <= l/2; k++ {
			var d float64
			for n := 0; n < l; n++ {
				if m := l - 1 - n - 2*k; m >= 0 && m < l {
					d += float64(f.RecLo[n]) * float64(f.DecLo[m])
				}
			}
			want := 0.0
			if k == 0 {
				want = 1
			}
			if math.Abs(d-want) > 1e-6 {
				t.Errorf("%s: biorthogonality at shift %d: %g", f.Name, k, d)
			}
		}
	}
	if Bior44.DecLo[5] != float32(0.8526986790088938) {
		t.Error("bior4.4 centre tap")
	}
}

// TestBior44Paths runs the reference comparison through each bior4.4 code
// path: lifting (the default), the symmetric two-band convolution, and the
// generic term convolution every other filter uses.
func TestBior44Paths(t *testing.T) {
	if !Bior44.lift || !Bior44.sym97 {
		t.Fatal("bior4.4 should take the lifting and symmetric paths")
	}
	if Haar.lift || Haar.sym97 {
		t.Fatal("haar has no 9/7 shape")
	}
	// Both lifting variants: Saxpy passes (any vector level) and the fused
	// scalar loops (the generic level).
	prev := simd.Active()
	defer simd.SetLevel(prev)
	r0 := rand.New(rand.NewPCG(15, 16))
	for _, lv := range []simd.Level{simd.Generic, simd.Detected()} {
		if err := simd.SetLevel(lv); err != nil {
			t.Fatal(err)
		}
		for _, hw := range [][2]int{{1, 1}, {2, 3}, {7, 9}, {16, 16}, {33, 20}} {
			for levels := 1; levels <= 3; levels++ {
				checkWPT2D(t, r0, Bior44, 2, 1, hw[0], hw[1], levels)
			}
		}
	}
	if err := simd.SetLevel(prev); err != nil {
		t.Fatal(err)
	}
	conv := *Bior44
	conv.lift = false
	generic := conv
	generic.sym97 = false
	r := rand.New(rand.NewPCG(13, 14))
	for _, f := range []*Filter{&conv, &generic} {
		for _, hw := range [][2]int{{1, 1}, {3, 5}, {9, 8}, {17, 30}, {64, 48}} {
			for levels := 1; levels <= 3; levels++ {
				checkWPT2D(t, r, f, 1, 2, hw[0], hw[1], levels)
			}
		}
	}
	// The three paths agree with each other to float32 rounding.
	p0, _ := NewWPT2D(Bior44, 1, 3, 96, 128, 3)
	x := randF32(r, p0.InLen())
	s := make([]float32, p0.ScratchLen())
	var outs [3][]float32
	for i, f := range []*Filter{Bior44, &conv, &generic} {
		p, _ := NewWPT2D(f, 1, 3, 96, 128, 3)
		outs[i] = make([]float32, p.OutLen())
		if err := p.Forward(outs[i], x, s); err != nil {
			t.Fatal(err)
		}
	}
	if e := relErr(outs[0], outs[2]); e > 2e-6 {
		t.Errorf("lifting vs generic convolution: %g", e)
	}
	if e := relErr(outs[1], outs[2]); e > 1e-6 {
		t.Errorf("symmetric vs generic convolution: %g", e)
	}
}

// TestWPTStreamed checks the streamed packet transform against the level
// by level one: bit for bit where both run the vector lifting kernels
// (the same kernels on the same rows), within float32 rounding otherwise;
// and that shapes it cannot stream are planned level by level.
func TestWPTStreamed(t *testing.T) {
	r := rand.New(rand.NewPCG(31, 32))
	for _, sz := range []struct{ n, c, h, w, j int }{
		{1, 1, 16, 16, 1}, {1, 1, 64, 64, 1}, {1, 1, 512, 768, 3}, {2, 3, 64, 96, 3}, {1, 2, 32, 48, 2}, {1, 1, 128, 32, 2}, {1, 1, 256, 128, 4},
		// Numbers of output rows that are multiples of three and odd: the
		// stream steps rows in threes, the last one or two alone.
		{1, 1, 18, 16, 1}, {2, 1, 36, 40, 2}, {1, 2, 100, 36, 2},
	} {
		p, err := NewWPT2D(Bior44, sz.n, sz.c, sz.h, sz.w, sz.j)
		if err != nil {
			t.Fatal(err)
		}
		if !p.stream {
			t.Fatalf("%+v: not streamed", sz)
		}
		if sz.h*sz.w >= 1<<17 && p.ForwardScratchLen() >= p.levelScratch {
			t.Errorf("%+v: streaming needs %d floats of scratch, level by level %d", sz, p.ForwardScratchLen(), p.levelScratch)
		}
		x := randF32(r, p.InLen())
		s := make([]float32, max(p.ScratchLen(), p.levelScratch))
		want := make([]float32, p.OutLen())
		p.forwardLevels(want, x, s)
		// Lane-segmented rows where every level's rows allow it, with the
		// vector kernels or their Go twins; in order where they do not.
		segs := []bool{false}
		if p.segmentable() {
			segs = append(segs, true)
		}
		if p.segmentable() != (sz.w%(16<<(sz.j-1)) == 0 && sz.w>>(sz.j-1) >= 32) {
			t.Errorf("%+v: segmentable %v", sz, p.segmentable())
		}
		for _, seg := range segs {
			p.seg = seg
			p.tree.Store(nil)
			for i := range s {
				s[i] = float32(math.NaN()) // nothing may read scratch it has not written
			}
			got := make([]float32, p.OutLen())
			p.forwardStreamed(got, x, s, nil)
			exact := simd.Lift97Vectorised() && (!seg || simd.Lift97SegVectorised())
			bound := 1e-5 * maxAbs(want)
			for i := range want {
				if exact && math.Float32bits(got[i]) != math.Float32bits(want[i]) ||
					!exact && !(math.Abs(float64(got[i]-want[i])) <= bound) {
					t.Fatalf("%+v seg %v: coefficient %d streamed %v, level by level %v", sz, seg, i, got[i], want[i])
				}
			}
			if a := testing.AllocsPerRun(3, func() { p.forwardStreamed(got, x, s, nil) }); a != 0 {
				t.Errorf("%+v seg %v: streamed transform allocates %v times", sz, seg, a)
			}
		}
	}
	for _, sz := range []struct{ h, w, j int }{{30, 64, 2}, {64, 14, 1}, {63, 64, 1}, {32, 64, 3}} {
		p, err := NewWPT2D(Bior44, 1, 1, sz.h, sz.w, sz.j)
		if err != nil {
			t.Fatal(err)
		}
		if p.stream {
			t.Errorf("%+v: streams a level with an odd or small size", sz)
		}
	}
}

// TestWPTProject checks ForwardProject against Forward followed by
// simd.Pointwise: bit for bit level by level (the same computation), within
// float32 rounding where the transform streams (the bands' scales travel in
// the weights); for streamed and level-by-level plans, one and several
// images and channels. Streamed in order and lane-segmented, the sums are
// the same, so are the bits (where the projection's vector kernel covers
// a row without a tail, which the two layouts would put elsewhere).
func TestWPTProject(t *testing.T) {
	r := rand.New(rand.NewPCG(33, 34))
	for _, sz := range []struct{ n, c, h, w, j, m int }{
		{1, 1, 512, 768, 3, 8}, {2, 3, 64, 192, 2, 12}, {1, 2, 32, 48, 2, 5}, {1, 1, 30, 44, 2, 3}, {2, 1, 64, 64, 1, 4},
		{1, 2, 36, 48, 2, 6},
	} {
		p, err := NewWPT2D(Bior44, sz.n, sz.c, sz.h, sz.w, sz.j)
		if err != nil {
			t.Fatal(err)
		}
		_, k, hJ, wJ := p.OutShape()
		w, bias := randF32(r, sz.m*k), randF32(r, sz.m)
		pr, err := p.NewProjection(w, bias, sz.m)
		if err != nil {
			t.Fatal(err)
		}
		x := randF32(r, p.InLen())
		s := make([]float32, max(p.ScratchLen(), p.ProjectScratchLen()))
		// In order and, where the plan can, lane-segmented (the projected
		// rows put back in order once an image is complete).
		segs := []bool{p.seg}
		if p.stream && p.segmentable() {
			segs = []bool{false, true}
		}
		var first []float32
		for _, seg := range segs {
			p.seg = seg
			p.tree.Store(nil)
			got := make([]float32, p.ProjectLen(pr))
			// Exactly the scratch it asks for: a layout that needs more
			// would run off its end.
			sp := s[:p.ProjectScratchLen()]
			if err := p.ForwardProject(got, x, pr, sp); err != nil {
				t.Fatal(err)
			}
			bands := make([]float32, p.OutLen())
			if err := p.Forward(bands, x, s); err != nil {
				t.Fatal(err)
			}
			want := make([]float32, len(got))
			pw := simd.PackPointwise(w, bias, sz.m, k)
			hw := hJ * wJ
			for img := range sz.n {
				simd.Pointwise(want[img*sz.m*hw:], hw, pw, bands[img*k*hw:], hw, hw)
			}
			exact := !p.stream
			bound := 1e-5 * maxAbs(want)
			if first == nil {
				first = got
			} else if simd.Lift97Vectorised() && wJ%24 == 0 && !slices.EqualFunc(first, got, func(a, b float32) bool { return math.Float32bits(a) == math.Float32bits(b) }) {
				t.Errorf("%+v: lane-segmented rows project other bits than rows in order", sz)
			}
			for i := range want {
				if exact && math.Float32bits(got[i]) != math.Float32bits(want[i]) ||
					!exact && !(math.Abs(float64(got[i]-want[i])) <= bound) {
					t.Fatalf("%+v (streamed %v): output %d projected %v, transform then projection %v", sz, p.stream, i, got[i], want[i])
				}
			}
			if a := testing.AllocsPerRun(3, func() { p.ForwardProject(got, x, pr, sp) }); a != 0 {
				t.Errorf("%+v: ForwardProject allocates %v times", sz, a)
			}
		}
	}
	p, _ := NewWPT2D(Bior44, 1, 1, 32, 32, 2)
	if _, err := p.NewProjection(make([]float32, 15), nil, 1); !errors.Is(err, ErrShape) {
		t.Errorf("15 weights for 16 bands: %v", err)
	}
	pr, _ := p.NewProjection(make([]float32, 16), nil, 1)
	if err := p.ForwardProject(make([]float32, 63), make([]float32, 1024), pr, make([]float32, p.ProjectScratchLen())); !errors.Is(err, ErrShape) {
		t.Errorf("short output: %v", err)
	}
}

// TestWPTConcurrent runs one plan from several goroutines at once, each
// with its own scratch (the plan's streaming bookkeeping is taken by one
// call at a time; the others build their own): every result equals the
// sequential one.
func TestWPTConcurrent(t *testing.T) {
	r := rand.New(rand.NewPCG(35, 36))
	p, err := NewWPT2D(Bior44, 1, 2, 64, 96, 2)
	if err != nil {
		t.Fatal(err)
	}
	_, k, _, _ := p.OutShape()
	pr, err := p.NewProjection(randF32(r, 4*k), randF32(r, 4), 4)
	if err != nil {
		t.Fatal(err)
	}
	x := randF32(r, p.InLen())
	want := make([]float32, p.OutLen())
	wantP := make([]float32, p.ProjectLen(pr))
	s := make([]float32, max(p.ScratchLen(), p.ProjectScratchLen()))
	if err := p.Forward(want, x, s); err != nil {
		t.Fatal(err)
	}
	if err := p.ForwardProject(wantP, x, pr, s); err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 8)
	for g := range 8 {
		go func() {
			s := make([]float32, max(p.ScratchLen(), p.ProjectScratchLen()))
			got, gotP := make([]float32, len(want)), make([]float32, len(wantP))
			for range 5 {
				if err := p.Forward(got, x, s); err != nil {
					errs <- err
					return
				}
				if err := p.ForwardProject(gotP, x, pr, s); err != nil {
					errs <- err
					return
				}
				if !slices.Equal(got, want) || !slices.Equal(gotP, wantP) {
					errs <- fmt.Errorf("goroutine %d: results differ from the sequential run", g)
					return
				}
			}
			errs <- nil
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
