//go:build !arm

package simd

func armHasNEON() bool { return false }
