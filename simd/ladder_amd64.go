//go:build !noasm && !purego

package simd

var ladder = []Level{Generic, SSE4, AVX2, AVX512}
