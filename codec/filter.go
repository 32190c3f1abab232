package codec

import (
	"fmt"
	"math"
)

// Filter is a two-channel wavelet filter bank: analysis (decomposition) low
// and high pass and synthesis (reconstruction) low and high pass, in
// PyWavelets' order and sign convention. Coefficients are float32 because the
// reference runs the transform in float32: they are PyWavelets' float64
// values rounded once to float32, as pytorch_wavelets does when it builds its
// convolution weights. A Filter is immutable once built and safe to share;
// its coefficient slices are for reading (the transforms use terms planned
// from them at construction).
type Filter struct {
	Name                       string
	DecLo, DecHi, RecLo, RecHi []float32

	// ana[0] (low) and ana[1] (high) express the periodized analysis
	// lo[k] = Σ_j DecLo[j]·x[(2k+L/2-j) mod N] as terms over the even (0)
	// and odd (1) polyphase components of x; syn[q] gives output phase q of
	// the synthesis as terms over the low (0) and high (1) bands.
	ana, syn [2][]term
	// Polyphase shifts span [lo, hi] (inclusive) for analysis and synthesis:
	// the halo a row buffer needs on each side.
	anaMin, anaMax, synMin, synMax int

	// sym97 is set for filters shaped like bior4.4: a low pass of 9 taps
	// symmetric about input offset 0 and a high pass of (at most) 7 taps
	// symmetric about offset 1. Both outputs then come from the same nine
	// inputs at offsets -4..4 in one pass (firSym97).
	sym97        bool
	symLo, symHi [5]float32 // centre tap, then the taps at ±1, ±2, ...
	// lift is set when the analysis is the CDF 9/7 lifting (bior4.4).
	lift bool
}

// term is c·(srcA[i+shA] + srcB[i+shB]). Symmetric filters (bior4.4) pair
// equal taps so each pair costs one multiply; a tap without a partner is
// stored as (c/2)·(x+x), which is exact.
type term struct {
	c        float32
	a, b     int // source stream (polyphase component or band)
	shA, shB int // shift in polyphase samples
}

// Bior44 is PyWavelets' "bior4.4" (the CDF 9/7 biorthogonal wavelet), the
// wavelet WaLLoC uses.
var Bior44 = mustFilter("bior4.4",
	[]float64{0.0, 0.03782845550726404, -0.023849465019556843, -0.11062440441843718, 0.37740285561283066, 0.8526986790088938, 0.37740285561283066, -0.11062440441843718, -0.023849465019556843, 0.03782845550726404},
	[]float64{-0.0, -0.06453888262869706, 0.04068941760916406, 0.41809227322161724, -0.7884856164055829, 0.41809227322161724, 0.04068941760916406, -0.06453888262869706, -0.0, 0.0},
	[]float64{0.0, -0.06453888262869706, -0.04068941760916406, 0.41809227322161724, 0.7884856164055829, 0.41809227322161724, -0.04068941760916406, -0.06453888262869706, 0.0, 0.0},
	[]float64{0.0, -0.03782845550726404, -0.023849465019556843, 0.11062440441843718, 0.37740285561283066, -0.8526986790088938, 0.37740285561283066, 0.11062440441843718, -0.023849465019556843, -0.03782845550726404},
)

// Haar is PyWavelets' "haar" ("db1").
var Haar = mustFilter("haar",
	[]float64{math.Sqrt2 / 2, math.Sqrt2 / 2},
	[]float64{-math.Sqrt2 / 2, math.Sqrt2 / 2},
	[]float64{math.Sqrt2 / 2, math.Sqrt2 / 2},
	[]float64{math.Sqrt2 / 2, -math.Sqrt2 / 2},
)

// FilterByName returns the filter PyWavelets calls name ("bior4.4", "haar"
// or its alias "db1").
func FilterByName(name string) (*Filter, error) {
	switch name {
	case "bior4.4":
		return Bior44, nil
	case "haar", "db1":
		return Haar, nil
	}
	return nil, fmt.Errorf("codec: unknown wavelet %q (have bior4.4, haar)", name)
}

// NewFilter builds a filter bank from PyWavelets-style coefficients (all four
// filters of the same even length). It is how a model file brings a wavelet
// this package does not name.
func NewFilter(name string, decLo, decHi, recLo, recHi []float64) (*Filter, error) {
	l := len(decLo)
	if l < 2 || l%2 != 0 || len(decHi) != l || len(recLo) != l || len(recHi) != l {
		return nil, fmt.Errorf("codec: filter %q: need four filters of one even length ≥ 2, have %d/%d/%d/%d",
			name, len(decLo), len(decHi), len(recLo), len(recHi))
	}
	f := &Filter{Name: name}
	conv := func(v []float64) []float32 {
		out := make([]float32, len(v))
		for i, x := range v {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return nil
			}
			out[i] = float32(x)
		}
		return out
	}
	f.DecLo, f.DecHi, f.RecLo, f.RecHi = conv(decLo), conv(decHi), conv(recLo), conv(recHi)
	if f.DecLo == nil || f.DecHi == nil || f.RecLo == nil || f.RecHi == nil {
		return nil, fmt.Errorf("codec: filter %q: coefficient is NaN or infinite", name)
	}
	f.plan()
	for _, ts := range [][]term{f.ana[0], f.ana[1], f.syn[0], f.syn[1]} {
		if len(ts) > maxTerms {
			return nil, fmt.Errorf("codec: filter %q: more than %d distinct taps per phase", name, maxTerms)
		}
	}
	return f, nil
}

func mustFilter(name string, decLo, decHi, recLo, recHi []float64) *Filter {
	f, err := NewFilter(name, decLo, decHi, recLo, recHi)
	if err != nil {
		panic(err)
	}
	return f
}

// Len is the filter length.
func (f *Filter) Len() int { return len(f.DecLo) }

// tap is one non-zero coefficient applied to stream src at a shift.
type tap struct {
	c       float32
	src, sh int
}

// floorDiv2 is ⌊v/2⌋ for negative v too.
func floorDiv2(v int) int { return v >> 1 }

func (f *Filter) plan() {
	l := len(f.DecLo)
	l2 := l / 2
	// Analysis: lo[k] = Σ_j h[j]·x[2k+l2-j] and x[2k+o] is phase o&1 at
	// polyphase index k + ⌊o/2⌋ (pytorch_wavelets rolls by -L/2 before its
	// strided correlation with the reversed filter, which is this).
	for band, h := range [2][]float32{f.DecLo, f.DecHi} {
		var taps []tap
		for j, c := range h {
			if c == 0 {
				continue
			}
			o := l2 - j
			taps = append(taps, tap{c: c, src: o & 1, sh: floorDiv2(o)})
		}
		f.ana[band] = pairTaps(taps)
	}
	// Synthesis: y[i] = Σ_k Σ_t [2k+t ≡ i+l2-1] (g0[t]·lo[k] + g1[t]·hi[k]),
	// the transposed convolution followed by pytorch_wavelets' roll by
	// 1-L/2. For i = 2m+q the band index is k = m + (q+l2-1-t)/2.
	for q := 0; q < 2; q++ {
		var taps []tap
		for band, g := range [2][]float32{f.RecLo, f.RecHi} {
			for t, c := range g {
				o := q + l2 - 1 - t
				if c == 0 || o&1 != 0 {
					continue
				}
				taps = append(taps, tap{c: c, src: band, sh: o / 2})
			}
		}
		f.syn[q] = pairTaps(taps)
	}
	f.anaMin, f.anaMax = termSpan(f.ana[:])
	f.synMin, f.synMax = termSpan(f.syn[:])
	f.planSym97()
	f.planLift97()
}

// planSym97 recognises the bior4.4 shape. Input offset o (sample 2k+o feeds
// output k) is tap L/2-o of DecLo and DecHi.
func (f *Filter) planSym97() {
	l := len(f.DecLo)
	l2 := l / 2
	tapAt := func(h []float32, o int) float32 {
		if j := l2 - o; j >= 0 && j < l {
			return h[j]
		}
		return 0
	}
	for j := range l {
		if o := l2 - j; (o < -4 || o > 4) && f.DecLo[j] != 0 || (o < -2 || o > 4) && f.DecHi[j] != 0 {
			return
		}
	}
	for d := 0; d <= 4; d++ {
		f.symLo[d] = tapAt(f.DecLo, d)
		if tapAt(f.DecLo, -d) != f.symLo[d] {
			return
		}
	}
	for d := 0; d <= 3; d++ {
		f.symHi[d] = tapAt(f.DecHi, 1+d)
		if tapAt(f.DecHi, 1-d) != f.symHi[d] {
			return
		}
	}
	f.sym97 = true
}

// pairTaps groups taps with bit-identical coefficients into pairs.
func pairTaps(taps []tap) []term {
	used := make([]bool, len(taps))
	var out []term
	for i, t := range taps {
		if used[i] {
			continue
		}
		used[i] = true
		tm := term{c: t.c / 2, a: t.src, shA: t.sh, b: t.src, shB: t.sh}
		for j := i + 1; j < len(taps); j++ {
			if !used[j] && taps[j].c == t.c {
				used[j] = true
				tm.c, tm.b, tm.shB = t.c, taps[j].src, taps[j].sh
				break
			}
		}
		out = append(out, tm)
	}
	return out
}

func termSpan(sets [][]term) (lo, hi int) {
	lo, hi = math.MaxInt, math.MinInt
	for _, ts := range sets {
		for _, t := range ts {
			lo, hi = min(lo, t.shA, t.shB), max(hi, t.shA, t.shB)
		}
	}
	if lo > 0 {
		lo = 0
	}
	if hi < 0 {
		hi = 0
	}
	return lo, hi
}
