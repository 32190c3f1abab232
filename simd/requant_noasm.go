//go:build !(amd64 || arm64) || noasm || purego

package simd

var requantArch []impl[func(int, *int32, *int32, *float32, *rqConst, *byte)]
