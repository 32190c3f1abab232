package kern

import "math"

// The activations below write f(x[i]) into dst[i] for i < len(x); dst must
// be at least as long as x and may be x itself (in place). They compute in
// float64 where a transcendental function is involved and round once.

// Relu is dst[i] = max(x[i], 0) (NaN stays NaN).
func Relu(dst, x []float32) {
	dst = dst[:len(x)]
	for i, v := range x {
		if v < 0 {
			v = 0
		}
		dst[i] = v
	}
}

// Gelu is the exact GELU of torch.nn.GELU(): dst[i] = x·(1 + erf(x/√2))/2.
func Gelu(dst, x []float32) {
	dst = dst[:len(x)]
	for i, v := range x {
		f := float64(v)
		dst[i] = float32(0.5 * f * (1 + math.Erf(f*(1/math.Sqrt2))))
	}
}

// Sigmoid is dst[i] = 1/(1+exp(-x[i])).
func Sigmoid(dst, x []float32) {
	dst = dst[:len(x)]
	for i, v := range x {
		dst[i] = float32(sigmoid64(float64(v)))
	}
}

// sigmoid64 never overflows: exp is only taken of non-positive values.
func sigmoid64(f float64) float64 {
	if f >= 0 {
		return 1 / (1 + math.Exp(-f))
	}
	e := math.Exp(f)
	return e / (1 + e)
}

// Silu is dst[i] = x[i]·sigmoid(x[i]) (torch.nn.SiLU, also called swish).
func Silu(dst, x []float32) {
	dst = dst[:len(x)]
	for i, v := range x {
		f := float64(v)
		dst[i] = float32(f * sigmoid64(f))
	}
}

// Tanh is dst[i] = tanh(x[i]).
func Tanh(dst, x []float32) {
	dst = dst[:len(x)]
	for i, v := range x {
		dst[i] = float32(math.Tanh(float64(v)))
	}
}

// Clip is dst[i] = min(max(x[i], lo), hi) as torch.clamp (NaN stays NaN).
func Clip(dst, x []float32, lo, hi float32) {
	dst = dst[:len(x)]
	for i, v := range x {
		if v < lo {
			v = lo
		}
		if v > hi {
			v = hi
		}
		dst[i] = v
	}
}
