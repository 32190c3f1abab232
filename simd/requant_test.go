package simd

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// requantRef is the float64 reference of Requant's definition: the int32
// sum rounded to float32, the product formed exactly in float64 (24+24
// significant bits fit in 53) and rounded once to float32, then rounded half
// to even, offset and clamped.
func requantRef(acc int32, bias int32, scale float32, zero, lo, hi int32) int32 {
	s := acc + bias
	f := float64(float32(float64(s)))
	v := float64(float32(f * float64(scale)))
	if math.IsNaN(v) {
		return lo
	}
	q := math.RoundToEven(v) + float64(zero)
	return int32(math.Max(float64(lo), math.Min(float64(hi), q)))
}

type rqCase struct {
	m, n, ldc, ldd int
	perTensor      bool
	bias, relu     bool
	zero           int32
	unsigned       bool
	accs, scales   string
}

func (tc rqCase) String() string { return fmt.Sprintf("%+v", struct{ rqCase }{tc}) }

func runRequantCase(t *testing.T, name string, fn func(int, *int32, *int32, *float32, *rqConst, *byte), tc rqCase, r *rand.Rand) {
	t.Helper()
	c := make([]int32, max(0, (tc.m-1)*tc.ldc+tc.n))
	for i := range c {
		switch tc.accs {
		case "extreme":
			c[i] = []int32{math.MaxInt32, math.MinInt32, 0, -1, 1, 1 << 24, 1<<24 + 1, -(1<<24 + 3)}[r.IntN(8)]
		case "ties": // odd values times 0.5 land exactly on .5
			c[i] = int32(r.IntN(1200) - 600)
		default:
			c[i] = int32(r.Uint32()) >> (r.IntN(31))
		}
	}
	ns := tc.n
	if tc.perTensor {
		ns = 1
	}
	scale := make([]float32, ns)
	for j := range scale {
		switch tc.scales {
		case "ties":
			scale[j] = []float32{0.5, 0.25, 1.5, 0.125, 1}[r.IntN(5)]
		case "extreme":
			scale[j] = []float32{1e30, 1e-30, float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)), -3e-7, 0, float32(math.Copysign(0, -1)), 1e-45}[r.IntN(9)]
		default:
			scale[j] = float32(math.Ldexp(r.Float64()*2-0.5, -r.IntN(28)))
		}
	}
	var bias []int32
	if tc.bias {
		bias = make([]int32, tc.n+r.IntN(3))
		for j := range bias {
			bias[j] = int32(r.Uint32()) >> r.IntN(32)
		}
	}
	lo, hi := int32(-128), int32(127)
	if tc.unsigned {
		lo, hi = 0, 255
	}
	const pad = 5
	dst := make([]byte, pad+max(0, (tc.m-1)*tc.ldd+tc.n)+pad)
	for i := range dst {
		dst[i] = 0xa5
	}
	p := &Requant{Scale: scale, Bias: bias, Zero: tc.zero, ReLU: tc.relu}
	requant(fn, tc.m, tc.n, c, tc.ldc, p, lo, hi, dst[pad:len(dst)-pad], tc.ldd)
	rlo := lo
	if tc.relu {
		rlo = max(lo, tc.zero)
	}
	for i := range dst {
		row, col := (i-pad)/tc.ldd, (i-pad)%tc.ldd
		if i >= pad && i < len(dst)-pad && col < tc.n && row < tc.m {
			var b int32
			if bias != nil {
				b = bias[col]
			}
			s := scale[0]
			if !tc.perTensor {
				s = scale[col]
			}
			want := requantRef(c[row*tc.ldc+col], b, s, tc.zero, rlo, hi)
			got := int32(int8(dst[i]))
			if tc.unsigned {
				got = int32(dst[i])
			}
			if got != want {
				t.Fatalf("%s %v: [%d][%d] acc %d bias %d scale %g: got %d want %d",
					name, tc, row, col, c[row*tc.ldc+col], b, s, got, want)
			}
			continue
		}
		if dst[i] != 0xa5 {
			t.Fatalf("%s %v: wrote outside dst at %d", name, tc, i-pad)
		}
	}
}

func TestRequantAllImpls(t *testing.T) {
	ns := []int{1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 255, 256, 257, 300}
	for _, im := range requantFamily.available() {
		t.Run(im.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(7, 8))
			for _, n := range ns {
				for rep := 0; rep < 6; rep++ {
					tc := rqCase{m: 1 + r.IntN(3), n: n, ldc: n + r.IntN(3), ldd: n + r.IntN(4),
						perTensor: r.IntN(3) == 0, bias: r.IntN(2) == 0, relu: r.IntN(3) == 0,
						unsigned: r.IntN(2) == 0,
						accs:     []string{"rand", "extreme", "ties"}[rep%3],
						scales:   []string{"rand", "extreme", "ties"}[(rep/3+rep)%3]}
					if tc.unsigned {
						tc.zero = []int32{0, 255, 128, int32(r.IntN(256))}[r.IntN(4)]
					} else {
						tc.zero = []int32{-128, 127, 0, int32(r.IntN(256) - 128)}[r.IntN(4)]
					}
					runRequantCase(t, im.name, im.fn, tc, r)
				}
			}
		})
	}
}

func TestRequantExported(t *testing.T) {
	defer restoreLevel(t)()
	c := []int32{-7, -5, -3, -1, 1, 3, 5, 7, 1000, -1000, math.MaxInt32, math.MinInt32, 0, 2, 4, 6, 9}
	for _, l := range Supported() {
		require.NoError(t, SetLevel(l))
		// Per-tensor scale 0.5: the odd values are ties and go to even.
		d8 := make([]int8, len(c))
		RequantI8(1, len(c), c, len(c), &Requant{Scale: []float32{0.5}, Zero: 3}, d8, len(c))
		require.Equal(t, []int8{-1, 1, 1, 3, 3, 5, 5, 7, 127, -128, 127, -128, 3, 4, 5, 6, 7}, d8, "level %s", l)
		d8r := make([]int8, len(c))
		RequantI8(1, len(c), c, len(c), &Requant{Scale: []float32{0.5}, Zero: 3, ReLU: true}, d8r, len(c))
		require.Equal(t, []int8{3, 3, 3, 3, 3, 5, 5, 7, 127, 3, 127, 3, 3, 4, 5, 6, 7}, d8r, "level %s", l)
		du := make([]uint8, len(c))
		bias := make([]int32, len(c))
		bias[0] = 8 // -7+8 = 1 → 0.5 → 0 (even) + 128
		RequantU8(1, len(c), c, len(c), &Requant{Scale: []float32{0.5}, Bias: bias, Zero: 128}, du, len(c))
		require.Equal(t, []uint8{128, 126, 126, 128, 128, 130, 130, 132, 255, 0, 255, 0, 128, 129, 130, 131, 132}, du, "level %s", l)
	}
}

func TestRequantPanicsAndAllocs(t *testing.T) {
	c := make([]int32, 8)
	d := make([]int8, 8)
	require.Panics(t, func() { RequantI8(1, 8, c, 8, &Requant{Scale: []float32{1}, Zero: 128}, d, 8) })
	require.Panics(t, func() { RequantU8(1, 8, c, 8, &Requant{Scale: []float32{1}, Zero: -1}, make([]uint8, 8), 8) })
	require.Panics(t, func() { RequantI8(1, 8, c, 8, &Requant{Scale: make([]float32, 7)}, d, 8) })
	require.Panics(t, func() { RequantI8(1, 8, c, 8, &Requant{Scale: []float32{1}, Bias: make([]int32, 7)}, d, 8) })
	require.Panics(t, func() { RequantI8(2, 8, c, 8, &Requant{Scale: []float32{1}}, d, 8) })
	RequantI8(0, 8, nil, 8, &Requant{Scale: []float32{1}}, nil, 8)
	big := make([]int32, 3*600)
	db := make([]int8, 3*600)
	for _, p := range []*Requant{{Scale: []float32{0.1}}, {Scale: make([]float32, 600), Bias: make([]int32, 600)}} {
		allocs := testing.AllocsPerRun(10, func() { RequantI8(3, 600, big, 600, p, db, 600) })
		require.Zero(t, allocs)
	}
}

func BenchmarkRequant(b *testing.B) {
	for _, s := range [][2]int{{64, 512}, {1, 4096}} {
		m, n := s[0], s[1]
		b.Run(fmt.Sprintf("%dx%d", m, n), func(b *testing.B) {
			c := make([]int32, m*n)
			for i := range c {
				c[i] = int32(i*7919) - 1<<20
			}
			p := &Requant{Scale: make([]float32, n), Bias: make([]int32, n), Zero: -3, ReLU: true}
			for j := range p.Scale {
				p.Scale[j] = 1e-4 * float32(j%13+1)
			}
			d := make([]int8, m*n)
			b.SetBytes(int64(m * n * 4))
			for b.Loop() {
				RequantI8(m, n, c, n, p, d, n)
			}
		})
	}
}
