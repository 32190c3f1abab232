package simd

import (
	"fmt"
	"unsafe"
)

// Requant describes how int32 GEMM accumulators become 8-bit activations
// of the next layer. For output element (i, j):
//
//	acc := c[i*ldc+j] + Bias[j]             // int32, wraps like Go int32
//	v := float32(acc) * Scale[j]            // two float32 roundings, half to even, no FMA
//	q := int32(math.RoundToEven(float64(v))) + Zero
//	dst[i*ldd+j] = clamp(q, lo, hi)
//
// where [lo, hi] is [-128, 127] for RequantI8 and [0, 255] for RequantU8,
// and lo is raised to Zero when ReLU is set (Zero is the quantised 0). The
// clamp is applied in float before rounding (v is clamped to [lo-Zero,
// hi-Zero], bounds that are integers, so the result is the same as clamping
// q) and a NaN v yields lo. Every kernel path uses exactly these IEEE
// float32 operations in round-to-nearest-even, so the bytes are identical
// on every level and architecture. Scale is typically
// input_scale·weight_scale[j]/output_scale.
type Requant struct {
	// Scale has one entry per column (output channel), len ≥ n, or a single
	// entry applied to every column (per-tensor quantisation).
	Scale []float32
	// Bias, if not nil, has len ≥ n and is added to the accumulators first.
	Bias []int32
	// Zero is the output zero point; it must lie in the output type's range.
	Zero int32
	// ReLU clamps outputs below at Zero.
	ReLU bool
}

// rqConst is what the row kernels need besides the arrays: the clamp
// bounds relative to the zero point, as float32, and the zero point.
type rqConst struct {
	lo, hi float32
	zero   int32
}

// requantFn converts one row: for j < n,
//
//	dst[j] = byte(clamp(RoundToEven(float32(c[j]+bias[j])*scale[j]), k.lo, k.hi) + k.zero)
var requantFn func(n int, c, bias *int32, scale *float32, k *rqConst, dst *byte)

var requantFamily = newFamily("requant", &requantFn, requantGeneric, requantArch...)

// RequantI8 converts the m×n int32 matrix c (row stride ldc) to int8 as
// Requant describes, into dst (row stride ldd). It allocates nothing and is
// safe for concurrent use. It panics on inconsistent sizes or a zero point
// outside [-128, 127].
func RequantI8(m, n int, c []int32, ldc int, p *Requant, dst []int8, ldd int) {
	requant(requantFn, m, n, c, ldc, p, -128, 127, i8AsBytes(dst), ldd)
}

// RequantU8 is RequantI8 with uint8 output: range [0, 255], and a zero
// point in that range.
func RequantU8(m, n int, c []int32, ldc int, p *Requant, dst []uint8, ldd int) {
	requant(requantFn, m, n, c, ldc, p, 0, 255, dst, ldd)
}

// requantChunk bounds the stack arrays that stand in for a per-tensor scale
// or a missing bias.
const requantChunk = 256

type requantScratch struct {
	k     rqConst
	scale [requantChunk]float32
	zero  [requantChunk]int32 // never written: the missing bias
}

var requantPool = newFreeList[requantScratch]()

func requant(fn func(int, *int32, *int32, *float32, *rqConst, *byte), m, n int, c []int32, ldc int, p *Requant, lo, hi int32, dst []byte, ldd int) {
	if m < 0 || n < 0 {
		panic(fmt.Sprintf("simd: requant: negative size %dx%d", m, n))
	}
	if p.Zero < lo || p.Zero > hi {
		panic(fmt.Sprintf("simd: requant: zero point %d outside [%d, %d]", p.Zero, lo, hi))
	}
	if m == 0 || n == 0 {
		return
	}
	perTensor := len(p.Scale) == 1
	if !perTensor && len(p.Scale) < n {
		panic(fmt.Sprintf("simd: requant: %d scales for %d columns", len(p.Scale), n))
	}
	if p.Bias != nil && len(p.Bias) < n {
		panic(fmt.Sprintf("simd: requant: %d biases for %d columns", len(p.Bias), n))
	}
	if ldc < n || len(c) < (m-1)*ldc+n {
		panic(fmt.Sprintf("simd: requant: c has %d elements, ldc %d; need %d×%d", len(c), ldc, m, n))
	}
	if ldd < n || len(dst) < (m-1)*ldd+n {
		panic(fmt.Sprintf("simd: requant: dst has %d elements, ldd %d; need %d×%d", len(dst), ldd, m, n))
	}
	if i8Race {
		for i := 0; i < m; i++ {
			i8RaceRead(unsafe.Pointer(&c[i*ldc]), 4*n)
			i8RaceWrite(unsafe.Pointer(&dst[i*ldd]), n)
		}
	}
	if p.ReLU {
		lo = max(lo, p.Zero)
	}
	// The kernel is called through a function value, so whatever it is
	// passed escapes: the constants and stand-in arrays live in pooled
	// scratch, not on the stack.
	s := requantPool.get()
	defer requantPool.put(s)
	k := &s.k
	*k = rqConst{lo: float32(lo - p.Zero), hi: float32(hi - p.Zero), zero: p.Zero}
	if !perTensor && p.Bias != nil {
		for i := 0; i < m; i++ {
			fn(n, &c[i*ldc], &p.Bias[0], &p.Scale[0], k, &dst[i*ldd])
		}
		return
	}
	sbuf, zbias := &s.scale, &s.zero
	if perTensor {
		for j := range sbuf {
			sbuf[j] = p.Scale[0]
		}
	}
	for i := 0; i < m; i++ {
		for j0 := 0; j0 < n; j0 += requantChunk {
			w := min(requantChunk, n-j0)
			bp, sp := &zbias[0], &sbuf[0]
			if p.Bias != nil {
				bp = &p.Bias[j0]
			}
			if !perTensor {
				sp = &p.Scale[j0]
			}
			fn(w, &c[i*ldc+j0], bp, sp, k, &dst[i*ldd+j0])
		}
	}
}

// requantTail runs the generic twin on elements [from, n) of a row, for
// vector kernels that handle whole blocks only.
func requantTail(from, n int, c, bias *int32, scale *float32, k *rqConst, dst *byte) {
	if from < n {
		requantGeneric(n-from, (*int32)(unsafe.Add(unsafe.Pointer(c), 4*from)),
			(*int32)(unsafe.Add(unsafe.Pointer(bias), 4*from)),
			(*float32)(unsafe.Add(unsafe.Pointer(scale), 4*from)), k,
			(*byte)(unsafe.Add(unsafe.Pointer(dst), from)))
	}
}
