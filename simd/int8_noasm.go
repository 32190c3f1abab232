//go:build !(amd64 || arm64) || noasm || purego

package simd

var i8Arch []impl[*i8Kernel]

// i8TestOnly lists kernels the tests run besides the dispatched ones.
var i8TestOnly []impl[*i8Kernel]
