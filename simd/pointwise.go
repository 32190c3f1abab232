package simd

import "fmt"

// PointwiseWeights is a 1×1 convolution's weights and bias packed for
// Pointwise: groups of four output channels, each group's weights k-major
// (for input channel p, the four channels' weights side by side), the last
// group padded with zero channels.
type PointwiseWeights struct {
	m, k    int
	a, bias []float32
}

// PackPointwise packs the m×k row-major weights w and the m biases (nil for
// none).
func PackPointwise(w, bias []float32, m, k int) *PointwiseWeights {
	if m < 0 || k < 0 || len(w) < m*k || bias != nil && len(bias) < m {
		panic(fmt.Sprintf("simd: PackPointwise: %d×%d weights from %d floats, %d biases", m, k, len(w), len(bias)))
	}
	g := (m + 3) / 4
	pw := &PointwiseWeights{m: m, k: k, a: make([]float32, 4*g*k), bias: make([]float32, 4*g)}
	for r := range m {
		ga := pw.a[(r/4)*4*k:]
		for p := range k {
			ga[4*p+r%4] = w[r*k+p]
		}
		if bias != nil {
			pw.bias[r] = bias[r]
		}
	}
	return pw
}

// M and K are the output and input channel counts.
func (pw *PointwiseWeights) M() int { return pw.m }

// K is the number of input channels.
func (pw *PointwiseWeights) K() int { return pw.k }

// Pointwise computes a 1×1 convolution of few output channels over a wide
// map, reading the input rows in place:
//
//	y[r*ldy+j] = bias[r] + Σ_p w[r][p]·x[p*ldx+j]    for r < M, j < n
//
// Each output is summed in input-channel order, one multiply-add a term.
// It is the projection of WaLLoC's encoder (64 or 192 bands to 8 or 12
// latent channels), which a general product would run with mostly empty
// register blocks. It panics if x or y is too short.
func Pointwise(y []float32, ldy int, pw *PointwiseWeights, x []float32, ldx, n int) {
	pointwiseCall("Pointwise", y, ldy, pw, x, ldx, n, false)
}

func pointwiseCall(name string, y []float32, ldy int, pw *PointwiseWeights, x []float32, ldx, n int, add bool) {
	m, k := pw.m, pw.k
	if n < 0 || ldy < n || ldx < n && k > 1 {
		panic(fmt.Sprintf("simd: %s: %d columns, ldx %d, ldy %d", name, n, ldx, ldy))
	}
	if m == 0 || n == 0 {
		return
	}
	if int64(len(y)) < int64(m-1)*int64(ldy)+int64(n) || k > 0 && int64(len(x)) < int64(k-1)*int64(ldx)+int64(n) {
		panic(fmt.Sprintf("simd: %s: %d×%d from %d×%d: x has %d floats, y %d", name, m, n, k, n, len(x), len(y)))
	}
	if raceEnabled {
		for p := range k {
			f32RaceRead(x[p*ldx : p*ldx+n])
		}
		for r := range m {
			f32RaceWrite(y[r*ldy : r*ldy+n])
		}
	}
	pointwiseFn(y, ldy, pw, x, ldx, n, add)
}

var pointwiseFn func(y []float32, ldy int, pw *PointwiseWeights, x []float32, ldx, n int, add bool)

var pointwiseFamily = newFamily("pointwise", &pointwiseFn, pointwiseGeneric, pointwiseArch...)

// PointwiseAdd is Pointwise adding to y instead of to the bias:
//
//	y[r*ldy+j] += Σ_p w[r][p]·x[p*ldx+j]    for r < M, j < n
//
// A projection whose inputs come in groups of channels (the bands of one
// packet transform after another) is a Pointwise over the first group and
// a PointwiseAdd over each further one, with the same sums in the same
// order as one Pointwise over all of them.
func PointwiseAdd(y []float32, ldy int, pw *PointwiseWeights, x []float32, ldx, n int) {
	pointwiseCall("PointwiseAdd", y, ldy, pw, x, ldx, n, true)
}

// pointwiseGeneric is the Go twin of Pointwise and PointwiseAdd.
func pointwiseGeneric(y []float32, ldy int, pw *PointwiseWeights, x []float32, ldx, n int, add bool) {
	k := pw.k
	for r := range pw.m {
		ga := pw.a[(r/4)*4*k:]
		row := y[r*ldy : r*ldy+n]
		if !add {
			for j := range row {
				row[j] = pw.bias[r]
			}
		}
		for p := range k {
			w := ga[4*p+r%4]
			xr := x[p*ldx : p*ldx+n]
			for j, v := range xr {
				row[j] += w * v
			}
		}
	}
}

// PointwiseVectorised reports whether the active level runs Pointwise in a
// vector kernel rather than its Go twin.
func PointwiseVectorised() bool { return pointwiseFamily.chosenName() != "generic" }
