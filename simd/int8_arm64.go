//go:build !noasm && !purego

package simd

var i8Arch []impl[*i8Kernel]

var i8TestOnly []impl[*i8Kernel]
