//go:build !noasm && !purego

package simd

import "unsafe"

// arm64 int8 GEMM kernels, in increasing preference.
var i8Arch = []impl[*i8Kernel]{
	{name: "neon", level: NEON, fn: &i8KernelNEON},
	{name: "dotprod", level: DotProd, fn: &i8KernelDotProd},
	{name: "i8mm", level: I8MM, fn: &i8KernelI8MM},
}

var (
	// ARMv8.0: int16 operands, smlal by element (int16·int16 → int32).
	i8KernelNEON = i8Kernel{mr: 8, nr: 8, kg: 1, wide: true, micro: i8MicroNEON, row1: i8Row1NEON}
	// SDOT and SMMLA multiply int8 by int8: A is fed as A-128.
	i8KernelDotProd = i8Kernel{mr: 8, nr: 8, kg: 4, aOff: 128, micro: i8MicroDotProd, row1: i8Row1DotProd}
	i8KernelI8MM    = i8Kernel{mr: 8, nr: 8, kg: 8, aOff: 128, micro: i8MicroI8MM, row1: i8Row1I8MM}
)

// i8TestOnly lists kernels the tests run besides the dispatched ones.
var i8TestOnly []impl[*i8Kernel]

//go:noescape
func i8MicroNEON(groups int, a, b unsafe.Pointer, c *int32, ldc int, init *int32)

//go:noescape
func i8MicroDotProd(groups int, a, b unsafe.Pointer, c *int32, ldc int, init *int32)

//go:noescape
func i8MicroI8MM(groups int, a, b unsafe.Pointer, c *int32, ldc int, init *int32)

//go:noescape
func i8Row1NEON(groups int, a unsafe.Pointer, aStride int, b unsafe.Pointer, c *int32, init *int32)

//go:noescape
func i8Row1DotProd(groups int, a unsafe.Pointer, aStride int, b unsafe.Pointer, c *int32, init *int32)

//go:noescape
func i8Row1I8MM(groups int, a unsafe.Pointer, aStride int, b unsafe.Pointer, c *int32, init *int32)
