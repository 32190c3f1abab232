package simd

// Elementwise float32 kernels. Each writes f(src[i]) to dst[i] for i <
// len(src); dst must hold len(src) values and may be src itself (in-place),
// but must not overlap it otherwise. Results match PyTorch float32 on the
// special values (±0, ±Inf, NaN); which NaN bit pattern comes out of a NaN
// input is not specified.
//
// Accuracy. The generic twins evaluate in float64 with the math package
// and round once, so they are within 1 ulp of the exact value (nearly
// always the correctly rounded float32). The assembly kernels also work in
// float64 (or exactly, for Relu and RoundS8) with approximations whose
// relative error is below 1e-10, far under float32's half ulp (3e-8), so
// they differ from the correctly rounded result by at most 1 ulp, and from
// the generic twin by at most 1 ulp; the tests hold them to that, and to
// the exact float64 value within 1 ulp (NormCDF, Gelu and the others over
// dense sweeps of every binade that matters).

// Relu sets dst[i] = max(src[i], 0) as PyTorch does: if x < 0 { x = 0 }, so
// -0 and NaN pass through unchanged.
func Relu(dst, src []float32) { elemCall(reluFn, dst, src) }

// Exp sets dst[i] = e^src[i] (float32 overflow gives +Inf, underflow 0 or
// a subnormal).
func Exp(dst, src []float32) { elemCall(expFn, dst, src) }

// Sigmoid sets dst[i] = 1 / (1 + e^-src[i]).
func Sigmoid(dst, src []float32) { elemCall(sigmoidFn, dst, src) }

// Silu sets dst[i] = x * Sigmoid(x) (also called swish), evaluated as
// x / (1 + e^-x); Silu(-Inf) is NaN, as in PyTorch.
func Silu(dst, src []float32) { elemCall(siluFn, dst, src) }

// Tanh sets dst[i] = tanh(src[i]).
func Tanh(dst, src []float32) { elemCall(tanhFn, dst, src) }

// Gelu sets dst[i] = x * Φ(x) = 0.5 * x * (1 + erf(x/√2)), the exact (erf)
// form that is PyTorch's default; Gelu(-Inf) is NaN, as in PyTorch.
func Gelu(dst, src []float32) { elemCall(geluFn, dst, src) }

// NormCDF sets dst[i] = Φ(src[i]) = 0.5 * erfc(-x/√2), the standard normal
// cumulative distribution function, accurate in relative terms down to the
// smallest float32 subnormal (Φ(x) < 2^-150 for x below about -14.1 gives
// 0). It is the companding curve of the WaLLoC codec: every kernel stays
// within 1 ulp of the correctly rounded float32 value.
func NormCDF(dst, src []float32) { elemCall(normCDFFn, dst, src) }

// NormPPF sets dst[i] = Φ⁻¹(src[i]), the inverse of NormCDF (the standard
// normal quantile function) on (0, 1); 0 gives -Inf, 1 gives +Inf, and a
// value outside [0, 1] or NaN gives NaN.
func NormPPF(dst, src []float32) { elemCall(normPPFFn, dst, src) }

// RoundS8 sets dst[i] to src[i] rounded to the nearest integer, ties to
// even, saturated to [-128, 127]; NaN becomes 0.
func RoundS8(dst []int8, src []float32) {
	if len(src) == 0 {
		return
	}
	roundS8Fn(dst[:len(src)], src)
}

func elemCall(fn func(dst, src []float32), dst, src []float32) {
	if len(src) == 0 {
		return
	}
	fn(dst[:len(src)], src)
}

type elemFunc = func(dst, src []float32)

var (
	reluFn, expFn, sigmoidFn, siluFn, tanhFn, geluFn, normCDFFn, normPPFFn elemFunc

	roundS8Fn func(dst []int8, src []float32)

	reluFamily    = newFamily("relu", &reluFn, reluGeneric, reluArch...)
	expFamily     = newFamily("exp", &expFn, expGeneric, expArch...)
	sigmoidFamily = newFamily("sigmoid", &sigmoidFn, sigmoidGeneric, sigmoidArch...)
	siluFamily    = newFamily("silu", &siluFn, siluGeneric, siluArch...)
	tanhFamily    = newFamily("tanh", &tanhFn, tanhGeneric, tanhArch...)
	geluFamily    = newFamily("gelu", &geluFn, geluGeneric, geluArch...)
	normCDFFamily = newFamily("normcdf", &normCDFFn, normCDFGeneric, normCDFArch...)
	normPPFFamily = newFamily("normppf", &normPPFFn, normPPFGeneric, normPPFArch...)
	roundS8Family = newFamily("rounds8", &roundS8Fn, roundS8Generic, roundS8Arch...)
)
