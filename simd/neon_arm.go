//go:build arm

package simd

import xcpu "golang.org/x/sys/cpu"

// cpuid/v2 reports nothing on 32-bit ARM; x/sys/cpu reads HWCAP instead.
func armHasNEON() bool { return xcpu.ARM.HasNEON }
