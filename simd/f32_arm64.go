//go:build !noasm && !purego

package simd

var sdotArch = []impl[func(x, y []float32) float32]{
	{name: "neon", level: NEON, fn: sdotNEON},
}

var saxpyArch = []impl[func(alpha float32, x, y []float32)]{
	{name: "neon", level: NEON, fn: saxpyNEON},
}

// sdotNEON is Sdot for len(y) >= len(x): four q accumulators (16 elements
// a step), then single q registers, then scalar FMADD.
//
//go:noescape
func sdotNEON(x, y []float32) float32

// saxpyNEON is Saxpy for len(y) >= len(x), stepping like sdotNEON, with
// FMLA by element against alpha.
//
//go:noescape
func saxpyNEON(alpha float32, x, y []float32)
