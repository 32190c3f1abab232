//go:build !linux

package simd

func armBrand() string { return "" }
