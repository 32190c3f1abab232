//go:build !race

package simd

const i8Race = false
