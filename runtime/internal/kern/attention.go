package kern

import (
	"fmt"
	"math"
)

// AttentionParams describes the single-head spatial self-attention block of
// the WaLLoC decoder's mid block (diffusers' Attention with a group norm,
// one head of C channels, residual connection, as in AutoencoderKL). The
// input is N×C×Spatial (Spatial = H·W); for every sample:
//
//	h = GroupNorm(x; Groups, Eps, gamma, beta)            viewed as Spatial×C (tokens × channels)
//	q = h·Wqᵀ + bq,  k = h·Wkᵀ + bk,  v = h·Wvᵀ + bv      (Spatial×C)
//	a = softmax(q·kᵀ / sqrt(C)) · v                       (softmax over keys)
//	dst = (a·Woᵀ + bo)ᵀ + x                               (back to C×Spatial)
type AttentionParams struct {
	N, C, Spatial int
	Groups        int
	Eps           float32
}

// AttentionWeights holds the block's parameters: the group norm's affine
// (C each), the q/k/v/out projections (C×C, torch Linear layout) and
// their biases (C each).
type AttentionWeights struct {
	NormGamma, NormBeta []float32
	Wq, Bq              []float32
	Wk, Bk              []float32
	Wv, Bv              []float32
	Wo, Bo              []float32
}

// Validate reports whether p describes a computable attention block.
func (p *AttentionParams) Validate() error {
	gn := GroupNormParams{N: p.N, C: p.C, Spatial: p.Spatial, Groups: p.Groups, Eps: p.Eps}
	if err := gn.Validate(); err != nil {
		return fmt.Errorf("attention: %w", err)
	}
	if err := checkDims(p.Spatial, p.Spatial); err != nil {
		return fmt.Errorf("attention: scores: %w", err)
	}
	if err := checkDims(5, p.Spatial, p.C); err != nil {
		return fmt.Errorf("attention: %w", err)
	}
	return nil
}

// Check reports whether w has the lengths p needs.
func (w *AttentionWeights) Check(p *AttentionParams) error {
	c := p.C
	for _, t := range []struct {
		name string
		v    []float32
		n    int
	}{{"norm gamma", w.NormGamma, c}, {"norm beta", w.NormBeta, c}, {"q weight", w.Wq, c * c}, {"q bias", w.Bq, c},
		{"k weight", w.Wk, c * c}, {"k bias", w.Bk, c}, {"v weight", w.Wv, c * c}, {"v bias", w.Bv, c},
		{"out weight", w.Wo, c * c}, {"out bias", w.Bo, c}} {
		if len(t.v) != t.n {
			return fmt.Errorf("attention: %s has %d values, want %d", t.name, len(t.v), t.n)
		}
	}
	return nil
}

// AttentionScratch is the scratch length Attention needs: the normalised
// input, q, k, v (Spatial×C each) and one Spatial×Spatial score matrix.
func AttentionScratch(p *AttentionParams) int {
	return 4*p.Spatial*p.C + p.Spatial*p.Spatial
}

// Attention runs the block (see AttentionParams). dst may be x.
func Attention(p *AttentionParams, dst, x []float32, w *AttentionWeights, scratch []float32) {
	c, s := p.C, p.Spatial
	cs := c * s
	h := scratch[:cs]
	q := scratch[cs : 2*cs]
	k := scratch[2*cs : 3*cs]
	v := scratch[3*cs : 4*cs]
	sc := scratch[4*cs : 4*cs+s*s]
	gn := GroupNormParams{N: 1, C: c, Spatial: s, Groups: p.Groups, Eps: p.Eps}
	rows := Axis{Outer: s, Len: s, Inner: 1}
	scale := float32(1 / math.Sqrt(float64(c)))
	for n := 0; n < p.N; n++ {
		xn := x[n*cs : (n+1)*cs]
		dn := dst[n*cs : (n+1)*cs]
		GroupNorm(&gn, h, xn, w.NormGamma, w.NormBeta) // h is C×S
		// q = hᵀ·Wqᵀ + bq: the transposes turn the channel-major h into
		// tokens without a copy.
		for _, pr := range [3]struct{ out, wt, b []float32 }{{q, w.Wq, w.Bq}, {k, w.Wk, w.Bk}, {v, w.Wv, w.Bv}} {
			fillBias2(pr.out, pr.b, s, c)
			gemm(true, true, s, c, c, 1, h, s, pr.wt, c, 1, pr.out, c)
		}
		gemm(false, true, s, s, c, scale, q, c, k, c, 0, sc, s)
		Softmax(&rows, sc, sc)
		gemm(false, false, s, c, s, 1, sc, s, v, c, 0, h, c) // h = attention output, S×C
		// dst (C×S) = Wo·hᵀ + bo + x, accumulated onto the residual.
		for ch := 0; ch < c; ch++ {
			b := w.Bo[ch]
			src, out := xn[ch*s:(ch+1)*s], dn[ch*s:(ch+1)*s]
			for i, xv := range src {
				out[i] = xv + b
			}
		}
		gemm(false, true, c, s, c, 1, w.Wo, c, h, c, 1, dn, s)
	}
}
