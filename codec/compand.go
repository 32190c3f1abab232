package codec

import (
	"fmt"
	"math"

	"github.com/edgerun/edgerun/simd"
)

// Compander is WaLLoC's entropy bottleneck for a latent bit depth b: ToUniform
// maps projected (roughly Gaussian) coefficients through the Gaussian CDF
// onto (-M, M) with M = 2^(b-1) - 0.5 - 0.001, rounding then gives integers
// in [-(2^(b-1)-1), 2^(b-1)-1] stored as int8; ToNormal is the decoder's
// inverse. The Gaussian's scale is (2^(b-1)-1)/1.85.
//
// Every step runs in float32 in the reference's operation order (PyTorch's
// ToUniform, torch.distributions.Normal.cdf/icdf, torch.round), so latents
// equal the reference's except where a value lies within float32 rounding of
// a .5 boundary.
type Compander struct {
	bits      int
	scale     float32 // (2^(b-1)-1)/1.85
	twoMax    float32 // 2·latent_max
	latentMax float64
}

// NewCompander returns the compander for latent_bits in 2..8.
func NewCompander(bits int) (Compander, error) {
	if bits < 2 || bits > 8 {
		return Compander{}, fmt.Errorf("codec: latent_bits %d out of range 2..8", bits)
	}
	// The reference computes these constants in float64 (Python floats)
	// and PyTorch rounds each to float32 where it meets a float32 tensor.
	lm := math.Exp2(float64(bits-1)) - 1 + 0.5 - 1e-3
	return Compander{
		bits:      bits,
		scale:     float32((math.Exp2(float64(bits-1)) - 1) / 1.85),
		twoMax:    float32(2 * lm),
		latentMax: lm,
	}, nil
}

// Bits is the latent bit depth.
func (c Compander) Bits() int { return c.bits }

// LatentMax is the largest magnitude ToUniform produces, 2^(b-1)-0.5-0.001.
func (c Compander) LatentMax() float64 { return c.latentMax }

// Scale is the standard deviation of the Gaussian the CDF assumes.
func (c Compander) Scale() float32 { return c.scale }

// ToUniform is, in float32: dst[i] = 2M·(Φ(src[i]/scale) − 0.5). dst may be
// src.
func (c Compander) ToUniform(dst, src []float32) {
	src = src[:len(dst)]
	s := c.scale
	for i, v := range src {
		dst[i] = v / s
	}
	normCDF(dst, dst)
	m := c.twoMax
	for i, v := range dst {
		dst[i] = m * (v - 0.5)
	}
}

// Quantize is ToUniform followed by rounding half to even to int8, the
// encoder's output, bit for bit; it looks each value up among the points
// where the latent steps (see compand_table.go) instead of evaluating erf.
func (c Compander) Quantize(dst []int8, src []float32) {
	src = src[:len(dst)]
	if t := c.table(); t != nil {
		t.quantize(dst, src)
		return
	}
	var tmp [256]float32
	for len(src) > 0 {
		n := min(len(src), len(tmp))
		c.ToUniform(tmp[:n], src[:n])
		simd.RoundS8(dst[:n], tmp[:n])
		dst, src = dst[n:], src[n:]
	}
}

// ToNormal is the decoder's inverse of ToUniform, in float32:
// dst[i] = scale·Φ⁻¹(clamp(src[i]/2M + 0.5, 0.0001, 0.9999)).
func (c Compander) ToNormal(dst, src []float32) {
	src = src[:len(dst)]
	m := c.twoMax
	const lo, hi = float32(0.0001), float32(0.9999)
	for i, v := range src {
		u := v/m + 0.5
		// Hardtanh: NaN passes through, as in PyTorch.
		if u < lo {
			u = lo
		} else if u > hi {
			u = hi
		}
		dst[i] = u
	}
	normPPF(dst, dst)
	s := c.scale
	for i, v := range dst {
		dst[i] = s * v
	}
}

// Dequantize is ToNormal applied to int8 latents.
func (c Compander) Dequantize(dst []float32, src []int8) {
	src = src[:len(dst)]
	for i, v := range src {
		dst[i] = float32(v)
	}
	c.ToNormal(dst, dst)
}

// normCDF and normPPF follow PyTorch's operation order (Normal.cdf is
// 0.5·(1+erf(x/√2)), Normal.icdf is erfinv(2u−1)·√2, each step rounded to
// float32), with erf and erfinv evaluated in float64 and rounded once. That
// reproduces the reference's float32 values bit for bit in about 98% of
// cases (TestCompandTorch). simd.NormCDF and simd.NormPPF compute Φ and Φ⁻¹
// themselves correctly rounded, which is more accurate but not the
// reference's rounding: swapping them in here (one line each) keeps every
// golden latent equal but moves ToNormal by up to 1e-5 relative near the
// clamp, where PyTorch's 2u−1 cancels. Rounding uses simd.RoundS8, whose
// semantics (half to even, saturating, NaN to 0) are exactly torch.round's
// followed by the int8 cast of in-range values.

const sqrt2f = float32(math.Sqrt2)

// normCDF is: for i := range dst { dst[i] = 0.5 * (1 + erf(src[i] / √2)) }.
func normCDF(dst, src []float32) {
	src = src[:len(dst)]
	for i, v := range src {
		e := float32(math.Erf(float64(v / sqrt2f)))
		dst[i] = 0.5 * (1 + e)
	}
}

// normPPF is: for i := range dst { dst[i] = erfinv(2*src[i] - 1) * √2 },
// the inverse of normCDF on (0, 1).
func normPPF(dst, src []float32) {
	src = src[:len(dst)]
	for i, v := range src {
		e := float32(math.Erfinv(float64(2*v - 1)))
		dst[i] = e * sqrt2f
	}
}
