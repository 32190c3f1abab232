package simd

// Elementwise float32 kernels. Each writes f(src[i]) to dst[i] for
// i < len(src); dst must hold len(src) values and may be src itself
// (in place), but must not overlap it otherwise. The bound quoted on each
// function is against the exact function rounded to float32. Results match PyTorch float32 on the
// special values (±0, ±Inf, NaN); which NaN bit pattern comes out of a NaN
// input is not specified.
//
// Accuracy. The generic twins evaluate in float64 with the math package
// and round once, so they are within 1 ulp of the exact value (nearly
// always the correctly rounded float32). Against that float64 function
// rounded to float32, the assembly kernels are held (by the tests, over
// dense sweeps of every binade and the special values) to:
//
//   - Relu, RoundS8, ScaleAdd: exact, bit-identical to the generic twin;
//   - NormCDF, Gelu, NormPPF: 1 ulp. They work in float64 lanes with
//     approximations whose relative error is far below float32's half ulp
//     (erfc 2.1e-11, exp 3e-13, Φ⁻¹ Acklam's 1.15e-9) and round once.
//     TestElemExhaustive has checked every float32: NormCDF over |x| <= 16
//     and NormPPF over (0, 1] on AVX-512, at most 1 ulp (0.004% and 1% of
//     inputs respectively at 1 ulp);
//   - Exp 2 ulp, Sigmoid, Silu and Tanh 3 ulp. They stay in float32 lanes
//     (twice the width): range reduction with a split ln 2, a fitted
//     polynomial, and the power of two applied so that overflow gives
//     +Inf and tiny results round once into the subnormals. Exhaustively
//     (every float32 with |x| <= 110, Tanh |x| <= 20, AVX2 and AVX-512):
//     Exp at most 1 ulp, Sigmoid 2, Silu 3 (4446 inputs), Tanh 2 (54).

// Relu sets dst[i] = max(src[i], 0) as PyTorch does: if x < 0 { x = 0 }, so
// -0 and NaN pass through unchanged.
func Relu(dst, src []float32) { elemCall(reluFn, dst, src) }

// Exp sets dst[i] = e^src[i] (float32 overflow gives +Inf, underflow 0 or
// a subnormal), within 2 ulp.
func Exp(dst, src []float32) { elemCall(expFn, dst, src) }

// Sigmoid sets dst[i] = 1 / (1 + e^-src[i]), within 3 ulp (subnormal
// results included).
func Sigmoid(dst, src []float32) { elemCall(sigmoidFn, dst, src) }

// Silu sets dst[i] = x * Sigmoid(x) (also called swish), within 3 ulp;
// Silu(-Inf) is NaN, as in PyTorch.
func Silu(dst, src []float32) { elemCall(siluFn, dst, src) }

// Tanh sets dst[i] = tanh(src[i]), within 3 ulp.
func Tanh(dst, src []float32) { elemCall(tanhFn, dst, src) }

// Gelu sets dst[i] = x * Φ(x) = 0.5 * x * (1 + erf(x/√2)), the exact (erf)
// form that is PyTorch's default, within 1 ulp; Gelu(-Inf) is NaN, as in
// PyTorch.
func Gelu(dst, src []float32) { elemCall(geluFn, dst, src) }

// NormCDF sets dst[i] = Φ(src[i]) = 0.5 * erfc(-x/√2), the standard normal
// cumulative distribution function, accurate in relative terms down to the
// smallest float32 subnormal (Φ(x) < 2^-150 for x below about -14.1 gives
// 0). It is the companding curve of the WaLLoC codec: every kernel stays
// within 1 ulp of the correctly rounded float32 value. (PyTorch's float32
// 0.5*(1+erf(x/√2)) is off by up to 6e-8 absolute, i.e. 1 ulp of 1.0, and
// loses all relative precision in the lower tail; the two agree to that
// absolute error everywhere.)
func NormCDF(dst, src []float32) { elemCall(normCDFFn, dst, src) }

// NormPPF sets dst[i] = Φ⁻¹(src[i]), the inverse of NormCDF (the standard
// normal quantile function) on (0, 1), within 1 ulp; 0 gives -Inf, 1
// gives +Inf, and a value outside [0, 1] or NaN gives NaN.
func NormPPF(dst, src []float32) { elemCall(normPPFFn, dst, src) }

// RoundS8 sets dst[i] to src[i] rounded to the nearest integer, ties to
// even, saturated to [-128, 127]; NaN becomes 0.
func RoundS8(dst []int8, src []float32) {
	if len(src) == 0 {
		return
	}
	roundS8Fn(dst[:len(src)], src)
}

// ScaleAdd sets dst[i] = float32(a*src[i]) + b: the product is rounded to
// float32 before the sum (never fused into one FMA), so every kernel path
// and architecture gives identical bits. It is the affine step around
// NormCDF and RoundS8 in the companding chain.
func ScaleAdd(dst, src []float32, a, b float32) {
	if len(src) == 0 {
		return
	}
	scaleAddFn(dst[:len(src)], src, a, b)
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

	roundS8Fn  func(dst []int8, src []float32)
	scaleAddFn func(dst, src []float32, a, b float32)

	reluFamily     = newFamily("relu", &reluFn, reluGeneric, reluArch...)
	expFamily      = newFamily("exp", &expFn, expGeneric, expArch...)
	sigmoidFamily  = newFamily("sigmoid", &sigmoidFn, sigmoidGeneric, sigmoidArch...)
	siluFamily     = newFamily("silu", &siluFn, siluGeneric, siluArch...)
	tanhFamily     = newFamily("tanh", &tanhFn, tanhGeneric, tanhArch...)
	geluFamily     = newFamily("gelu", &geluFn, geluGeneric, geluArch...)
	normCDFFamily  = newFamily("normcdf", &normCDFFn, normCDFGeneric, normCDFArch...)
	normPPFFamily  = newFamily("normppf", &normPPFFn, normPPFGeneric, normPPFArch...)
	roundS8Family  = newFamily("rounds8", &roundS8Fn, roundS8Generic, roundS8Arch...)
	scaleAddFamily = newFamily("scaleadd", &scaleAddFn, scaleAddGeneric, scaleAddArch...)
)
