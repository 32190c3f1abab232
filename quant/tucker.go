package quant

import "fmt"

// Tucker2 approximates a convolution kernel W[Cout][Cin][kh][kw] by
//
//	W ≈ core ×₀ Out ×₁ In,
//
// which runs as three convolutions: a 1×1 from Cin to R2 channels (Inᵀ), a
// kh×kw from R2 to R1 (the core) and a 1×1 from R1 to Cout (Out). The
// factors come from the leading singular vectors of the kernel's two
// channel unfoldings (HOSVD).
type Tucker2 struct {
	Cout, Cin, KH, KW int
	R1, R2            int
	Out               []float32 // Cout×R1
	In                []float32 // Cin×R2
	Core              []float32 // R1×R2×KH×KW
}

// NewTucker2 decomposes w with output rank r1 and input rank r2 (each
// clamped to the channel count). A rank of 0 is chosen by energy: the
// smallest rank keeping the fraction energy of that unfolding's norm.
func NewTucker2(w []float32, cout, cin, kh, kw, r1, r2 int, energy float64) (*Tucker2, error) {
	if cout <= 0 || cin <= 0 || kh <= 0 || kw <= 0 || len(w) != cout*cin*kh*kw {
		return nil, fmt.Errorf("%w: %d values for kernel %d×%d×%d×%d", ErrShape, len(w), cout, cin, kh, kw)
	}
	if (r1 <= 0 || r2 <= 0) && (energy <= 0 || energy > 1) {
		return nil, fmt.Errorf("quant: Tucker-2 needs ranks or an energy in (0, 1]")
	}
	ks := kh * kw
	// Mode-0 unfolding: Cout × (Cin·ks), which is w as laid out.
	d0 := Decompose(w, cout, cin*ks)
	// Mode-1 unfolding: Cin × (Cout·ks).
	m1 := make([]float32, cin*cout*ks)
	for o := 0; o < cout; o++ {
		for i := 0; i < cin; i++ {
			copy(m1[i*cout*ks+o*ks:], w[(o*cin+i)*ks:(o*cin+i+1)*ks])
		}
	}
	d1 := Decompose(m1, cin, cout*ks)
	if r1 <= 0 {
		r1 = d0.RankForEnergy(energy)
	}
	if r2 <= 0 {
		r2 = d1.RankForEnergy(energy)
	}
	r1, r2 = min(r1, cout, d0.Rank), min(r2, cin, d1.Rank)
	t := &Tucker2{Cout: cout, Cin: cin, KH: kh, KW: kw, R1: r1, R2: r2,
		Out: make([]float32, cout*r1), In: make([]float32, cin*r2), Core: make([]float32, r1*r2*ks)}
	for o := 0; o < cout; o++ {
		for a := 0; a < r1; a++ {
			t.Out[o*r1+a] = float32(d0.U[o*d0.Rank+a])
		}
	}
	for i := 0; i < cin; i++ {
		for b := 0; b < r2; b++ {
			t.In[i*r2+b] = float32(d1.U[i*d1.Rank+b])
		}
	}
	// core[a][b][s] = Σ_o Σ_i Out[o][a] · W[o][i][s] · In[i][b]
	for a := 0; a < r1; a++ {
		for b := 0; b < r2; b++ {
			for s := 0; s < ks; s++ {
				var acc float64
				for o := 0; o < cout; o++ {
					oa := float64(t.Out[o*r1+a])
					for i := 0; i < cin; i++ {
						acc += float64(oa * float64(w[(o*cin+i)*ks+s]) * float64(t.In[i*r2+b]))
					}
				}
				t.Core[(a*r2+b)*ks+s] = float32(acc)
			}
		}
	}
	return t, nil
}

// Decode writes the approximated kernel (Cout×Cin×KH×KW).
func (t *Tucker2) Decode(dst []float32) {
	ks := t.KH * t.KW
	for o := 0; o < t.Cout; o++ {
		for i := 0; i < t.Cin; i++ {
			for s := 0; s < ks; s++ {
				var acc float32
				for a := 0; a < t.R1; a++ {
					oa := t.Out[o*t.R1+a]
					for b := 0; b < t.R2; b++ {
						acc += oa * t.Core[(a*t.R2+b)*ks+s] * t.In[i*t.R2+b]
					}
				}
				dst[(o*t.Cin+i)*ks+s] = acc
			}
		}
	}
}

// Bytes is the storage of the three factors in float32.
func (t *Tucker2) Bytes() int { return 4 * (len(t.Out) + len(t.In) + len(t.Core)) }

// Convs returns the three kernels in PyTorch layout, to run in order:
// first [R2][Cin][1][1], core [R1][R2][KH][KW], last [Cout][R1][1][1].
func (t *Tucker2) Convs() (first, core, last []float32) {
	first = make([]float32, t.R2*t.Cin)
	for i := 0; i < t.Cin; i++ {
		for b := 0; b < t.R2; b++ {
			first[b*t.Cin+i] = t.In[i*t.R2+b]
		}
	}
	return first, t.Core, t.Out
}

// MACs returns the multiply-adds per output pixel of the original kernel
// and of the three-convolution form (ignoring stride changes).
func (t *Tucker2) MACs() (orig, factored int) {
	ks := t.KH * t.KW
	return t.Cout * t.Cin * ks, t.Cin*t.R2 + t.R2*t.R1*ks + t.R1*t.Cout
}
