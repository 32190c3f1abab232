package simd

import "math"

func reluGeneric(dst, src []float32) {
	dst = dst[:len(src)]
	for i, x := range src {
		if x < 0 {
			x = 0
		}
		dst[i] = x
	}
}

func expGeneric(dst, src []float32) {
	dst = dst[:len(src)]
	for i, x := range src {
		dst[i] = float32(math.Exp(float64(x)))
	}
}

func sigmoidGeneric(dst, src []float32) {
	dst = dst[:len(src)]
	for i, x := range src {
		dst[i] = float32(1 / (1 + math.Exp(-float64(x))))
	}
}

func siluGeneric(dst, src []float32) {
	dst = dst[:len(src)]
	for i, x := range src {
		v := float64(x)
		dst[i] = float32(v / (1 + math.Exp(-v)))
	}
}

func tanhGeneric(dst, src []float32) {
	dst = dst[:len(src)]
	for i, x := range src {
		dst[i] = float32(math.Tanh(float64(x)))
	}
}

func geluGeneric(dst, src []float32) {
	dst = dst[:len(src)]
	for i, x := range src {
		v := float64(x)
		dst[i] = float32(v * normCDF64(v))
	}
}

func normCDFGeneric(dst, src []float32) {
	dst = dst[:len(src)]
	for i, x := range src {
		dst[i] = float32(normCDF64(float64(x)))
	}
}

func normPPFGeneric(dst, src []float32) {
	dst = dst[:len(src)]
	for i, p := range src {
		dst[i] = float32(normPPF64(float64(p)))
	}
}

func roundS8Generic(dst []int8, src []float32) {
	dst = dst[:len(src)]
	for i, x := range src {
		dst[i] = roundS8(x)
	}
}

func scaleAddGeneric(dst, src []float32, a, b float32) {
	dst = dst[:len(src)]
	for i, x := range src {
		// The conversion rounds the product, which keeps the compiler
		// from fusing it with the sum on arm64.
		dst[i] = float32(a*x) + b
	}
}

// roundS8 rounds half to even and saturates to int8; NaN gives 0.
func roundS8(x float32) int8 {
	switch {
	case x != x:
		return 0
	case x >= 127:
		return 127
	case x <= -128:
		return -128
	}
	return int8(math.RoundToEven(float64(x)))
}

// normCDF64 is Φ(x) = erfc(-x/√2)/2. math.Erfc keeps full relative
// precision in the lower tail, where 1+erf would cancel.
func normCDF64(x float64) float64 {
	return 0.5 * math.Erfc(-x/math.Sqrt2)
}

// Coefficients of P. J. Acklam's rational approximation of Φ⁻¹ (relative
// error below 1.15e-9), refined below by one Halley step.
var (
	ppfA = [6]float64{-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00}
	ppfB = [5]float64{-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01}
	ppfC = [6]float64{-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00}
	ppfD = [4]float64{7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00}
)

const ppfLow = 0.02425

// acklam evaluates the rational approximation of Φ⁻¹(p) for 0 < p < 1.
func acklam(p float64) float64 {
	a, b, c, d := &ppfA, &ppfB, &ppfC, &ppfD
	switch {
	case p < ppfLow:
		q := math.Sqrt(-2 * math.Log(p))
		return (((((c[0]*q+c[1])*q+c[2])*q+c[3])*q+c[4])*q + c[5]) / ((((d[0]*q+d[1])*q+d[2])*q+d[3])*q + 1)
	case p > 1-ppfLow:
		q := math.Sqrt(-2 * math.Log1p(-p))
		return -(((((c[0]*q+c[1])*q+c[2])*q+c[3])*q+c[4])*q + c[5]) / ((((d[0]*q+d[1])*q+d[2])*q+d[3])*q + 1)
	}
	q := p - 0.5
	r := q * q
	return (((((a[0]*r+a[1])*r+a[2])*r+a[3])*r+a[4])*r + a[5]) * q / (((((b[0]*r+b[1])*r+b[2])*r+b[3])*r+b[4])*r + 1)
}

// normPPF64 is Φ⁻¹(p): Acklam's approximation plus one Halley step on
// Φ(x) - p, which brings it to float64 accuracy.
func normPPF64(p float64) float64 {
	switch {
	case p != p || p < 0 || p > 1:
		return math.NaN()
	case p == 0:
		return math.Inf(-1)
	case p == 1:
		return math.Inf(1)
	}
	x := acklam(p)
	var e float64
	if p < 0.5 {
		e = normCDF64(x) - p
	} else {
		// Compare upper tails, which keeps precision as p nears 1.
		e = (1 - p) - normCDF64(-x)
	}
	u := e * math.Sqrt(2*math.Pi) * math.Exp(x*x/2)
	return x - u/(1+x*u/2)
}
