//go:build !race

package simd

// raceEnabled gates loops that exist only to report memory to the race
// detector, so that without it they cost nothing.
const raceEnabled = false

func f32RaceRead([]float32)  {}
func f32RaceWrite([]float32) {}
