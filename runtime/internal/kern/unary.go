package kern

import "github.com/edgerun/edgerun/simd"

// The activations below write f(x[i]) into dst[i] for i < len(x); dst must
// be at least as long as x and may be x itself (in place). They run simd's
// elementwise kernels, which evaluate in float64 (or exactly, for Relu) and
// stay within 1 ulp of the correctly rounded float32 value on every level,
// far inside the 1e-6 the PyTorch reference tests allow.

// Relu is dst[i] = max(x[i], 0) (NaN stays NaN).
func Relu(dst, x []float32) { simd.Relu(dst[:len(x)], x) }

// Gelu is the exact GELU of torch.nn.GELU(): dst[i] = x·(1 + erf(x/√2))/2.
func Gelu(dst, x []float32) { simd.Gelu(dst[:len(x)], x) }

// Sigmoid is dst[i] = 1/(1+exp(-x[i])).
func Sigmoid(dst, x []float32) { simd.Sigmoid(dst[:len(x)], x) }

// Silu is dst[i] = x[i]·sigmoid(x[i]) (torch.nn.SiLU, also called swish).
func Silu(dst, x []float32) { simd.Silu(dst[:len(x)], x) }

// Tanh is dst[i] = tanh(x[i]).
func Tanh(dst, x []float32) { simd.Tanh(dst[:len(x)], x) }

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
