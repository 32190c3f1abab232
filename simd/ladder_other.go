//go:build !(amd64 || arm64) || noasm || purego

package simd

// Without assembly (another architecture, or a noasm/purego build) only the
// pure-Go twins exist.
var ladder = []Level{Generic}
