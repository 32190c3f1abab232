//go:build !amd64 || noasm || purego

package simd

var copyRowsArch []impl[func(dst, src []float32, h, w, wp, n int, relu bool)]

var padUnzipArch []impl[func(ev, od, src []float32, h, w, ld, pl int, relu bool)]
