package quant

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// clusteredMatrix builds rows whose subvectors are copies of few
// prototypes, which PQ with enough centroids must represent exactly.
func clusteredMatrix(rng *rand.Rand, rows, cols, sub, protos int) []float32 {
	p := randMatrix(rng, protos, sub)
	w := make([]float32, rows*cols)
	for r := 0; r < rows; r++ {
		for c0 := 0; c0 < cols; c0 += sub {
			k := rng.IntN(protos)
			for j := 0; j < sub && c0+j < cols; j++ {
				w[r*cols+c0+j] = p[k*sub+j]
			}
		}
	}
	return w
}

func TestPQExactOnClusteredData(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	w := clusteredMatrix(rng, 64, 48, 4, 12)
	q, err := NewPQ(w, 64, 48, PQConfig{SubDim: 4, K: 16, Seed: 1})
	require.NoError(t, err)
	rel, _ := Error(q, w)
	require.Less(t, rel, 1e-6)
	// 4-bit codes for 12 subspaces of 64 rows, one 16×4 f32 codebook.
	require.Equal(t, 64*6+16*4*4, q.Bytes())
}

func TestPQPaths(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	for _, sh := range [][2]int{{5, 9}, {33, 64}, {40, 50}} {
		w := randMatrix(rng, sh[0], sh[1])
		for _, cfg := range []PQConfig{
			{SubDim: 2, K: 16, Seed: 3},
			{SubDim: 4, K: 16, SubspacesPerCodebook: 1, Seed: 3},
			{SubDim: 4, K: 256, Seed: 3},
			{SubDim: 8, K: 64, ProjDim: 3, SubspacesPerCodebook: 2, Seed: 3},
		} {
			q, err := NewPQ(w, sh[0], sh[1], cfg)
			require.NoError(t, err, "%+v", cfg)
			checkMatMul(t, q, rng)
			// Both paths agree whatever K is.
			x := randMatrix(rng, 3, sh[1])
			y1, y2 := make([]float32, 3*sh[0]), make([]float32, 3*sh[0])
			q.MatMulLUTFloat(y1, x, 3, make([]float32, q.nsub*q.cfg.K))
			q.MatMulDecode(y2, x, 3, make([]float32, q.nsub*q.cfg.SubDim))
			require.InDeltaSlice(t, y2, y1, 1e-5)
			// The int8-table path is within its stated bound of the
			// float tables.
			q.MatMulLUT(y1, x, 3, make([]float32, q.lutScratch()))
			for i := 0; i < 3; i++ {
				b := pqLUTBound(q, x[i*sh[1]:(i+1)*sh[1]]) + 1e-6
				for r := 0; r < sh[0]; r++ {
					require.InDelta(t, y2[i*sh[0]+r], y1[i*sh[0]+r], b, "%+v row %d", cfg, r)
				}
			}
			rel, _ := Error(q, w)
			require.Less(t, rel, 1.0, "%+v: clustering must beat the zero matrix", cfg)
		}
	}
}

func TestPQDeterministic(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 10))
	w := make([]float32, 30*40)
	for i := range w {
		w[i] = float32(rng.Uint32()>>8)/(1<<24) - 0.5
	}
	cfg := PQConfig{SubDim: 4, K: 16, Seed: 7}
	a, err := NewPQ(w, 30, 40, cfg)
	require.NoError(t, err)
	b, _ := NewPQ(w, 30, 40, cfg)
	require.Equal(t, a.Codes, b.Codes)
	require.Equal(t, a.Books, b.Books)
	var h uint64
	for _, c := range a.Codes {
		h = h*131 + uint64(c)
	}
	// Recorded on amd64; the QEMU runs assert the same codes on ARM.
	require.Equal(t, pqGoldenHash, h)
	lr, err := NewPQ(w, 30, 40, PQConfig{SubDim: 8, K: 16, ProjDim: 4, Seed: 7})
	require.NoError(t, err)
	h = 0
	for _, c := range lr.Codes {
		h = h*131 + uint64(c)
	}
	require.Equal(t, lr2vqGoldenHash, h)
}

const (
	pqGoldenHash    uint64 = 0xb7370a36494db94b
	lr2vqGoldenHash uint64 = 0x17a798010235a8e
)

func TestLR2VQUsesSubspace(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 11))
	// Subvectors of 8 that live in a 2-dimensional subspace: clustering
	// after projecting to 2 dimensions loses nothing to the projection.
	rows, cols, m := 64, 64, 8
	basis := randMatrix(rng, 2, m)
	w := make([]float32, rows*cols)
	for r := 0; r < rows; r++ {
		for c0 := 0; c0 < cols; c0 += m {
			a, b := float32(rng.NormFloat64()), float32(rng.NormFloat64())
			for j := 0; j < m; j++ {
				w[r*cols+c0+j] = a*basis[j] + b*basis[m+j]
			}
		}
	}
	pq, err := NewPQ(w, rows, cols, PQConfig{SubDim: m, K: 32, Seed: 1})
	require.NoError(t, err)
	lr, err := NewPQ(w, rows, cols, PQConfig{SubDim: m, K: 32, ProjDim: 2, Seed: 1})
	require.NoError(t, err)
	ePQ, _ := Error(pq, w)
	eLR, _ := Error(lr, w)
	require.Less(t, eLR, ePQ*1.15, "LR²VQ in the true subspace is as good as full PQ")
	require.Less(t, lr.Bytes(), pq.Bytes(), "and stores smaller codebooks")
}

func TestPQConfigErrors(t *testing.T) {
	w := make([]float32, 4*8)
	for _, cfg := range []PQConfig{{SubDim: 0, K: 16}, {SubDim: 9, K: 16}, {SubDim: 4, K: 1}, {SubDim: 4, K: 300}, {SubDim: 4, K: 16, ProjDim: 4}} {
		_, err := NewPQ(w, 4, 8, cfg)
		require.Error(t, err, "%+v", cfg)
	}
}

func TestKMeansSeparates(t *testing.T) {
	pts := []float32{0, 0, 0.1, 0, 10, 10, 10.1, 10, -5, 3, -5.1, 3}
	cent, codes := KMeans(pts, 6, 2, 3, 1, 20)
	require.Len(t, cent, 6)
	require.Equal(t, codes[0], codes[1])
	require.Equal(t, codes[2], codes[3])
	require.Equal(t, codes[4], codes[5])
	require.NotEqual(t, codes[0], codes[2])
	require.NotEqual(t, codes[0], codes[4])
	require.NotEqual(t, codes[2], codes[4])
}

// pqLUTBound is MatMulLUT's stated bound on its distance from the float
// lookup tables for input row xi: nsub·σ/2, σ the int8 table scale (0 for K
// other than 16, which use the float tables).
func pqLUTBound(q *PQ, xi []float32) float64 {
	if q.cfg.K != 16 {
		return 0
	}
	tab := make([]float32, q.nsub*16)
	q.tables(tab, xi)
	var amax float64
	for s := 0; s < q.nsub; s++ {
		t := tab[s*16 : s*16+16]
		lo, hi := t[0], t[0]
		for _, v := range t {
			lo, hi = min(lo, v), max(hi, v)
		}
		o := lo + (hi-lo)/2
		for _, v := range t {
			amax = max(amax, math.Abs(float64(v-o)))
		}
	}
	sigma := amax / 127
	// Slack for float32 rounding of the offsets and of the final sum.
	return float64(q.nsub)*sigma/2*(1+1e-5) + 1e-6*float64(q.nsub)*amax
}

// TestPQLUTInt8Error measures the int8 tables' error on a layer-sized
// matrix: within the bound, and on average far below it (the entry
// roundings are independent, so the sums grow like √nsub, not nsub).
func TestPQLUTInt8Error(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 12))
	rows, cols := 64, 256
	w := randMatrix(rng, rows, cols)
	q, err := NewPQ(w, rows, cols, PQConfig{SubDim: 4, K: 16, Seed: 1, Iters: 4})
	require.NoError(t, err)
	x := randMatrix(rng, 4, cols)
	yq, yf := make([]float32, 4*rows), make([]float32, 4*rows)
	q.MatMulLUT(yq, x, 4, make([]float32, q.ScratchSize(4)))
	q.MatMulLUTFloat(yf, x, 4, make([]float32, q.nsub*16))
	var sum, bsum float64
	for i := 0; i < 4; i++ {
		b := pqLUTBound(q, x[i*cols:(i+1)*cols])
		for r := 0; r < rows; r++ {
			e := math.Abs(float64(yq[i*rows+r] - yf[i*rows+r]))
			require.LessOrEqual(t, e, b)
			sum += e
			bsum += b
		}
	}
	require.Less(t, sum, bsum/4, "typical error should be well under the worst case")
	t.Logf("int8 LUT: mean |error| %.3g, mean bound %.3g", sum/float64(4*rows), bsum/float64(4*rows))
	require.NotEqual(t, yf, yq, "the int8 path must not be the float path")
}
