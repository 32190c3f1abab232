//go:build race

package simd

// i8Race is set under the race detector, whose sync.Pool drops items at
// random, so allocation counts are meaningless there.
const i8Race = true
