// Package simd holds edgerun's compute kernels and chooses, once at startup,
// the fastest implementation of each that this CPU runs safely.
//
// Callers use plain functions (Sdot, Sgemm, ...) and never branch on CPU
// features: every kernel family keeps a pure-Go twin, and the assembly
// variants are registered with the level and feature bits they need. The
// environment variable EDGERUN_SIMD caps the level (for tests, and for users
// who meet a misbehaving core); the build tags noasm and purego keep only the
// pure-Go twins.
package simd

import (
	"fmt"
	"os"
	"strings"
	"sync"
)

// Level is a rung of an architecture's SIMD ladder. Each level implies the
// ones below it on the same architecture.
type Level uint8

// The levels edgerun knows. Generic is pure Go and exists everywhere.
const (
	Generic Level = iota
	SSE4          // amd64: SSE4.1
	AVX2          // amd64: AVX2 + FMA + F16C
	AVX512        // amd64: AVX-512 F/BW/DQ/VL
	NEON          // arm64: Advanced SIMD
	DotProd       // arm64: NEON + SDOT/UDOT
	I8MM          // arm64: NEON + dotprod + SMMLA
)

var levelNames = [...]string{
	Generic: "generic",
	SSE4:    "sse4",
	AVX2:    "avx2",
	AVX512:  "avx512",
	NEON:    "neon",
	DotProd: "dotprod",
	I8MM:    "i8mm",
}

func (l Level) String() string {
	if int(l) < len(levelNames) {
		return levelNames[l]
	}
	return fmt.Sprintf("Level(%d)", uint8(l))
}

// ParseLevel reads a level name as EDGERUN_SIMD spells it.
func ParseLevel(s string) (Level, error) {
	for i, n := range levelNames {
		if strings.EqualFold(strings.TrimSpace(s), n) {
			return Level(i), nil
		}
	}
	return 0, fmt.Errorf("unknown SIMD level %q (known: %s)", s, strings.Join(levelNames[:], ", "))
}

// EnvVar names the environment variable that caps the SIMD level.
const EnvVar = "EDGERUN_SIMD"

var (
	mu       sync.Mutex
	active   Level
	detected Level
	reason   string
	cfgErr   error
)

func init() {
	detected = detectLevel(cpu)
	active, reason, cfgErr = levelFromEnv(os.Getenv(EnvVar), detected)
	chooseAll(active)
}

// levelFromEnv applies an EDGERUN_SIMD value to the detected level. A value
// that is unknown, belongs to another architecture or asks for more than the
// CPU has is an error: a silent fallback would hide the very problem the
// user set the variable to investigate. The kernels still run at the
// detected level (never above it), so the process stays safe either way.
func levelFromEnv(v string, det Level) (Level, string, error) {
	why := "best level this CPU supports"
	if v == "" {
		return det, why, nil
	}
	want, err := ParseLevel(v)
	if err != nil {
		return det, why, fmt.Errorf("%s: %w", EnvVar, err)
	}
	if !onLadder(want) {
		return det, why, fmt.Errorf("%s=%s: level not available on %s (levels here: %s)", EnvVar, v, archName, ladderString())
	}
	if want > det {
		return det, why, fmt.Errorf("%s=%s: this CPU supports at most %s", EnvVar, v, det)
	}
	return want, fmt.Sprintf("capped by %s=%s (CPU supports %s)", EnvVar, v, det), nil
}

func onLadder(l Level) bool {
	for _, x := range ladder {
		if x == l {
			return true
		}
	}
	return false
}

func ladderString() string {
	s := make([]string, len(ladder))
	for i, l := range ladder {
		s[i] = l.String()
	}
	return strings.Join(s, ", ")
}

// ConfigError reports a bad EDGERUN_SIMD value. Programs should refuse to
// start when it is non-nil; the kernels meanwhile run at the detected level.
func ConfigError() error { return cfgErr }

// Active returns the level the kernels run at.
func Active() Level {
	mu.Lock()
	defer mu.Unlock()
	return active
}

// Detected returns the best level this CPU and build support.
func Detected() Level { return detected }

// Reason says why the active level is in force.
func Reason() string {
	mu.Lock()
	defer mu.Unlock()
	return reason
}

// Supported lists the levels of this architecture that the CPU runs,
// lowest first. Generic is always first.
func Supported() []Level {
	var out []Level
	for _, l := range ladder {
		if l <= detected {
			out = append(out, l)
		}
	}
	return out
}

// SetLevel switches every kernel family to the best implementation at or
// below l. It is meant for tests and benchmarks that compare levels; it must
// not run while other goroutines are inside kernels.
func SetLevel(l Level) error {
	if !onLadder(l) {
		return fmt.Errorf("simd: level %s not available on %s", l, archName)
	}
	if l > detected {
		return fmt.Errorf("simd: this CPU supports at most %s, not %s", detected, l)
	}
	mu.Lock()
	defer mu.Unlock()
	active = l
	reason = "set by program"
	chooseAll(l)
	return nil
}
