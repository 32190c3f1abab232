//go:build !noasm && !purego

package simd

import "unsafe"

// amd64 int8 GEMM kernels, in increasing preference (see family.choose).
var i8Arch = []impl[*i8Kernel]{
	{name: "avx2", level: AVX2, fn: &i8KernelAVX2},
	// AVX-VNNI (VEX-encoded vpdpbusd, Alder Lake and later client cores).
	// It cannot run on the development machine (Zen 4 has only the EVEX
	// form); it is the i8MicroVNNI256 kernel, which the tests check, with
	// each vpdpbusd re-encoded as VEX bytes by the generator.
	{name: "avx2-vnni", level: AVX2, needs: func(f *Features) bool { return f.AVXVNNI }, fn: &i8KernelAVXVNNI},
	// AVX-512 cores without VNNI (Skylake-SP/X): the AVX2 scheme in zmm.
	{name: "avx512", level: AVX512, fn: &i8KernelAVX512BW},
	{name: "avx512-vnni", level: AVX512, needs: func(f *Features) bool { return f.AVX512VNNI }, fn: &i8KernelAVX512VNNI},
}

var (
	// AVX2: A and B widened to int16, pairs of k; vpmaddwd sums two
	// products of magnitude ≤ 255·128 into int32, so nothing saturates.
	i8KernelAVX2       = i8Kernel{mr: 6, nr: 16, kg: 2, wide: true, micro: i8MicroAVX2, packA: i8PackAVX2, packStep: 4, row1: i8Row1AVX2}
	i8KernelAVXVNNI    = i8Kernel{mr: 6, nr: 16, kg: 4, micro: i8MicroAVXVNNI, packA: i8PackVNNI256, packStep: 4, row1: i8Row1AVXVNNI}
	i8KernelVNNI256    = i8Kernel{mr: 6, nr: 16, kg: 4, micro: i8MicroVNNI256, packA: i8PackVNNI256, packStep: 4, row1: i8Row1VNNI256}
	i8KernelAVX512BW   = i8Kernel{mr: 8, nr: 32, kg: 2, wide: true, micro: i8MicroAVX512BW, packA: i8PackAVX512BW, packStep: 2, row1: i8Row1AVX512BW}
	i8KernelAVX512VNNI = i8Kernel{mr: 8, nr: 32, kg: 4, micro: i8MicroAVX512VNNI, packA: i8PackAVX512VNNI, packStep: 2, row1: i8Row1AVX512VNNI}
)

// i8TestOnly lists kernels that are not dispatched but that the tests run
// where the CPU allows: the EVEX twin of the AVX-VNNI kernel.
var i8TestOnly = []impl[*i8Kernel]{
	{name: "avx512-vnni256", level: AVX512, needs: func(f *Features) bool { return f.AVX512VNNI && f.AVX512VL }, fn: &i8KernelVNNI256},
}

//go:noescape
func i8MicroAVX512VNNI(groups int, a, b unsafe.Pointer, c *int32, ldc int, init *int32)

//go:noescape
func i8Row1AVX512VNNI(groups int, a unsafe.Pointer, aStride int, b unsafe.Pointer, c *int32, init *int32)

//go:noescape
func i8Row1AVX2(groups int, a unsafe.Pointer, aStride int, b unsafe.Pointer, c *int32, init *int32)

//go:noescape
func i8Row1VNNI256(groups int, a unsafe.Pointer, aStride int, b unsafe.Pointer, c *int32, init *int32)

//go:noescape
func i8Row1AVXVNNI(groups int, a unsafe.Pointer, aStride int, b unsafe.Pointer, c *int32, init *int32)

// i8PackVNNI256 packs steps quads of groups of a 6-row sliver for the
// 6×16 vpdpbusd kernels (vpgatherdd ymm). See i8Kernel.packA.
//
//go:noescape
func i8PackVNNI256(dst, src unsafe.Pointer, idx *int32, steps int, flip uint32)

//go:noescape
func i8MicroAVX512BW(groups int, a, b unsafe.Pointer, c *int32, ldc int, init *int32)

//go:noescape
func i8Row1AVX512BW(groups int, a unsafe.Pointer, aStride int, b unsafe.Pointer, c *int32, init *int32)

// i8PackAVX512BW packs steps pairs of pairs of an 8-row sliver, widening
// to int16 (vpgatherdd zmm). See i8Kernel.packA.
//
//go:noescape
func i8PackAVX512BW(dst, src unsafe.Pointer, idx *int32, steps int, flip uint32)

//go:noescape
func i8MicroAVX2(groups int, a, b unsafe.Pointer, c *int32, ldc int, init *int32)

//go:noescape
func i8MicroVNNI256(groups int, a, b unsafe.Pointer, c *int32, ldc int, init *int32)

//go:noescape
func i8MicroAVXVNNI(groups int, a, b unsafe.Pointer, c *int32, ldc int, init *int32)

// i8PackAVX512VNNI packs steps pairs of groups of an 8-row sliver
// (vpgatherdd zmm). See i8Kernel.packA.
//
//go:noescape
func i8PackAVX512VNNI(dst, src unsafe.Pointer, idx *int32, steps int, flip uint32)

// i8PackAVX2 packs steps quads of pairs of a 6-row sliver, widening to
// int16 (vpgatherdd ymm). See i8Kernel.packA.
//
//go:noescape
func i8PackAVX2(dst, src unsafe.Pointer, idx *int32, steps int, flip uint32)
