package simd

// Sdot returns the dot product of x and y[:len(x)]:
//
//	var s float32
//	for i := range x {
//		s += x[i] * y[i]
//	}
//	return s
//
// The kernels keep several partial sums and may fuse multiply and add, so
// the result differs from that loop by at most about len(x)·ε·Σ|x[i]·y[i]|.
// Sdot panics if len(y) < len(x).
func Sdot(x, y []float32) float32 {
	y = y[:len(x)]
	f32RaceRead(x)
	f32RaceRead(y)
	return sdotFn(x, y)
}

// Saxpy adds alpha times x to y[:len(x)]:
//
//	for i := range x {
//		y[i] += alpha * x[i]
//	}
//
// each element rounded once or twice (the kernels may fuse the multiply
// and add). x and y must be the same slice or not overlap. Saxpy panics if
// len(y) < len(x).
func Saxpy(alpha float32, x, y []float32) {
	y = y[:len(x)]
	f32RaceRead(x)
	f32RaceWrite(y)
	saxpyFn(alpha, x, y)
}

var (
	sdotFn  func(x, y []float32) float32
	saxpyFn func(alpha float32, x, y []float32)
)

var (
	sdotFamily  = newFamily("sdot", &sdotFn, sdotGeneric, sdotArch...)
	saxpyFamily = newFamily("saxpy", &saxpyFn, saxpyGeneric, saxpyArch...)
)
