package codec

import (
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/edgerun/edgerun/internal/npy"
	"github.com/stretchr/testify/require"
)

// goldenLatent is one reference latent with its shape split into
// channels, frames (rows) and width.
type goldenLatent struct {
	name             string
	dim              int
	c, frames, width int
	data             []int8
}

func loadGolden(t testing.TB) []goldenLatent {
	t.Helper()
	paths, err := filepath.Glob("../testdata/walloc/*_latent.npy")
	require.NoError(t, err)
	require.NotEmpty(t, paths)
	var out []goldenLatent
	for _, p := range paths {
		a, err := npy.ReadFile(p)
		require.NoError(t, err)
		v, err := a.Int8()
		require.NoError(t, err)
		g := goldenLatent{name: filepath.Base(p), data: v}
		switch len(a.Shape) {
		case 3: // [1, C, n]
			g.dim, g.c, g.frames, g.width = 1, a.Shape[1], a.Shape[2], 1
		case 4: // [1, C, h, w]
			g.dim, g.c, g.frames, g.width = 2, a.Shape[1], a.Shape[2], a.Shape[3]
		default:
			t.Fatalf("%s: shape %v", p, a.Shape)
		}
		out = append(out, g)
	}
	return out
}

func roundTripBlock(t *testing.T, x []int8, rows, width int) int {
	t.Helper()
	var enc, dec blockCoder
	b := enc.appendBlock([]byte{0xAA}, x, rows, width)
	require.Equal(t, byte(0xAA), b[0], "appendBlock must append")
	got := make([]int8, len(x))
	n, err := dec.decodeBlock(b[1:], got, rows, width)
	require.NoError(t, err)
	require.Equal(t, len(b)-1, n, "decoder must consume exactly the block")
	require.Equal(t, x, got)
	return n
}

func TestBlockRoundTripShapes(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	gens := map[string]func(int) int8{
		"uniform":  func(int) int8 { return int8(r.IntN(256) - 128) },
		"narrow":   func(int) int8 { return int8(r.IntN(5) - 2) },
		"gaussian": func(int) int8 { return int8(max(-128, min(127, int(r.NormFloat64()*20)))) },
		"extremes": func(int) int8 { return []int8{-128, 127}[r.IntN(2)] },
		"ramp":     func(i int) int8 { return int8(i) },
		"constant": func(int) int8 { return -128 },
		"sparse": func(int) int8 {
			if r.IntN(50) == 0 {
				return int8(r.IntN(256) - 128)
			}
			return 0
		},
	}
	for name, g := range gens {
		for _, sh := range [][2]int{{0, 1}, {1, 1}, {2, 1}, {1, 2}, {3, 3}, {7, 1}, {1, 255}, {16, 16}, {33, 17}, {130, 1}, {64, 64}, {1, 40000}} {
			x := make([]int8, sh[0]*sh[1])
			for i := range x {
				x[i] = g(i)
			}
			t.Run(name, func(t *testing.T) { roundTripBlock(t, x, sh[0], sh[1]) })
		}
	}
}

func TestBlockFullRange(t *testing.T) {
	x := make([]int8, 256*3)
	for i := range x {
		x[i] = int8(i)
	}
	roundTripBlock(t, x, 3, 256)
	// Every symbol once: 256 distinct symbols in a 2^8 table.
	roundTripBlock(t, x[:256], 1, 256)
	roundTripBlock(t, x[:256], 256, 1)
}

func TestBlockDegenerate(t *testing.T) {
	for _, v := range []int8{-128, -1, 0, 1, 127} {
		x := make([]int8, 1000)
		for i := range x {
			x[i] = v
		}
		require.Equal(t, 2, roundTripBlock(t, x, 10, 100), "a constant channel costs two bytes")
	}
	// One value different from the rest.
	x := make([]int8, 4096)
	x[4095] = 5
	roundTripBlock(t, x, 64, 64)
}

func TestNormalize(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	iters := 2000
	if testing.Short() {
		iters = 300
	}
	for it := 0; it < iters; it++ {
		var count, freq [256]uint32
		n := 0
		used := 2 + r.IntN(255)
		for k := 0; k < used; k++ {
			s := r.IntN(256)
			c := uint32(1 + r.IntN([]int{1, 10, 100000}[r.IntN(3)]))
			count[s] += c
			n += int(c)
		}
		sb := scaleBitsFor(n)
		normalize(&count, n, sb, &freq)
		sum := uint32(0)
		for s := range freq {
			if (count[s] > 0) != (freq[s] > 0) {
				t.Fatalf("symbol %d: count %d freq %d", s, count[s], freq[s])
			}
			sum += freq[s]
		}
		require.Equal(t, uint32(1)<<sb, sum)
	}
}

func TestLog2Q8(t *testing.T) {
	// Exact at powers of two, monotone, and close to log2 elsewhere.
	for k := 0; k < 16; k++ {
		require.Equal(t, uint32(k<<8), log2q8(1<<k))
	}
	prev := uint32(0)
	for f := uint32(1); f <= 1<<15; f++ {
		v := log2q8(f)
		if v < prev {
			t.Fatalf("log2q8(%d) = %d < log2q8(%d) = %d", f, v, f-1, prev)
		}
		prev = v
	}
	require.Equal(t, uint32(256+149), log2q8(3)) // log2(3) = 1.58496 = 1 + 149.75/256
}

func TestBlockGolden(t *testing.T) {
	for _, g := range loadGolden(t) {
		per := g.frames * g.width
		total := 0
		for c := 0; c < g.c; c++ {
			total += roundTripBlock(t, g.data[c*per:(c+1)*per], g.frames, g.width)
		}
		t.Logf("%s: %d values, %d bytes, %.3f bits/value (raw 8)", g.name, len(g.data), total, 8*float64(total)/float64(len(g.data)))
	}
}

// TestBlockCoderReuse codes many blocks of varied shapes with one encoder
// and one decoder, as a stream does: no state may leak between blocks.
func TestBlockCoderReuse(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	var enc, dec blockCoder
	iters := 1500
	if testing.Short() {
		iters = 300
	}
	for it := 0; it < iters; it++ {
		rows, width := 1+r.IntN(70), 1+r.IntN(9)
		if r.IntN(2) == 0 {
			width = 1
		}
		x := randomLatent(r, rows*width)
		if it%3 == 0 {
			for i := range x {
				x[i] /= int8(1 + r.IntN(30))
			}
		}
		b := enc.appendBlock(nil, x, rows, width)
		got := make([]int8, len(x))
		n, err := dec.decodeBlock(b, got, rows, width)
		require.NoError(t, err, "block %d, %d×%d", it, rows, width)
		require.Equal(t, len(b), n)
		require.Equal(t, x, got)
	}
}

// TestFastPathsMatchNeighbours: the encoder's row-interior loops agree
// with the per-value definitions the decoder uses.
func TestFastPathsMatchNeighbours(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	for _, sh := range [][2]int{{1, 1}, {5, 1}, {1, 7}, {2, 2}, {3, 3}, {9, 17}, {17, 4}} {
		rows, width := sh[0], sh[1]
		x := make([]int8, rows*width)
		for i := range x {
			x[i] = int8(r.IntN(256) - 128)
		}
		act := make([]uint8, len(x))
		var hist [256]uint32
		activities(act, x, rows, width, &hist)
		sym := make([]uint8, len(x))
		for p := 0; p < numPred; p++ {
			residuals(sym, x, rows, width, p)
			for i := 0; i < rows; i++ {
				for j := 0; j < width; j++ {
					a, b, c, d := nbrs(x, i, j, width)
					k := i*width + j
					require.Equal(t, activityOf(a, b, c, d, width), act[k], "activity %v at %d,%d", sh, i, j)
					require.Equal(t, toSym(x[k]-pred(p, a, b, c)), sym[k], "predictor %d %v at %d,%d", p, sh, i, j)
				}
			}
		}
	}
}
