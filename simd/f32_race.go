//go:build race

package simd

import (
	"runtime"
	"unsafe"
)

const raceEnabled = true

// The race detector does not see memory that assembly touches; the f32
// kernels report their reads and writes so that -race catches callers
// sharing a vector or a C region across goroutines.

func f32RaceRead(s []float32) {
	if len(s) > 0 {
		runtime.RaceReadRange(unsafe.Pointer(&s[0]), 4*len(s))
	}
}

func f32RaceWrite(s []float32) {
	if len(s) > 0 {
		runtime.RaceWriteRange(unsafe.Pointer(&s[0]), 4*len(s))
	}
}
