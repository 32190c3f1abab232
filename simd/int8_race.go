//go:build race

package simd

import (
	"runtime"
	"unsafe"
)

// The race detector does not see memory that assembly touches; the int8
// GEMM and requantisation report their reads and writes so that -race
// catches callers sharing an output region across goroutines.

// i8Race reports a -race build.
const i8Race = true

func i8RaceRead(p unsafe.Pointer, n int) {
	if n > 0 {
		runtime.RaceReadRange(p, n)
	}
}

func i8RaceWrite(p unsafe.Pointer, n int) {
	if n > 0 {
		runtime.RaceWriteRange(p, n)
	}
}
