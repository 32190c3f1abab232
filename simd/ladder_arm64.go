//go:build !noasm && !purego

package simd

var ladder = []Level{Generic, NEON, DotProd, I8MM}
