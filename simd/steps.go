package simd

import (
	"fmt"
	"math"
)

// StepTable describes a non-decreasing step function of float32 values by
// its thresholds, for StepLookup: a value v falls in bucket
//
//	b = trunc(min(max((v-Org)·Inv, 0), Last))   (float32 arithmetic)
//
// and its step is Base[b] + [v ≥ Thr[b]] - Bias. Whoever builds the table
// makes the buckets narrow enough that each holds at most one threshold,
// Thr[b] (NaN, which compares false, where there is none). It is how the
// codec rounds companded latents without evaluating erf: two lookups that
// do not depend on each other, and one comparison.
//
// Where Approx is set, a kernel may take most steps from it instead, by
// arithmetic alone: gathers are slow on some CPUs (on Zen 3 two of them
// cost five times the rest of a block of eight), and the steps of the
// codec's companding are a rounded smooth function.
type StepTable struct {
	Org, Inv, Last float32
	Base           []int32
	Thr            []float32
	Bias           int32
	Approx         *StepApprox
}

// StepApproxDegree is the degree of a StepApprox's polynomial in x².
const StepApproxDegree = 7

// StepApprox is an odd step function's continuous form, u(v), as one odd
// polynomial: with x = max(min(v·Inv, 1), −1) and z = x·x,
//
//	u(v) = x · Σₖ Coef[k]·z^(StepApproxDegree−k)
//
// evaluated in float32 by Horner's rule with fused multiply-adds (Coef[0]
// first), then multiplied by x. Where |u − round(u)| ≤ Margin, the step is
// round(u) (half to even, saturated to int8); elsewhere, and for NaN, a
// kernel looks the value up in the table. Whoever builds a StepApprox
// guarantees that where the margin holds, round(u) is the table's step: u
// must stay within ½ − Margin of the table's step function, with room for
// float32 rounding. A polynomial needs no lookup: a vector permutation
// that picked per-lane coefficients from pieces runs on one pipe of Zen 3
// at one a cycle, where the multiply-adds run on two.
type StepApprox struct {
	Inv    float32
	Margin float32
	Coef   [StepApproxDegree + 1]float32
	// vec holds Coef[k] in every lane of a vector, for the kernels' memory
	// operands (NewStepTable fills it).
	vec [StepApproxDegree + 1][8]float32
}

// Eval is u(v) as the kernels compute it, except that each fused
// multiply-add is rounded through float64 (Go has no float32 FMA), which
// can differ from the kernels' result in the last bit: builders check
// their bounds with room for that.
func (a *StepApprox) Eval(v float32) float32 {
	x := max(min(v*a.Inv, 1), -1)
	z := x * x
	p := a.Coef[0]
	for k := 1; k <= StepApproxDegree; k++ {
		p = float32(math.FMA(float64(p), float64(z), float64(a.Coef[k])))
	}
	return x * p
}

// Step is the step Approx gives v, and whether the margin holds there.
func (a *StepApprox) Step(v float32) (int8, bool) {
	u := a.Eval(v)
	r := float32(math.RoundToEven(float64(u)))
	if !(float32(math.Abs(float64(u-r))) <= a.Margin) {
		return 0, false
	}
	return int8(max(-128, min(127, r))), true
}

// Bucket is the bucket of a value other than NaN, by the float32 steps
// every StepLookup kernel takes.
func (t *StepTable) Bucket(v float32) int {
	f := (v - t.Org) * t.Inv
	f = max(f, 0)
	f = min(f, t.Last)
	return int(f)
}

// check reports whether every index StepLookup may form stays inside the
// table.
func (t *StepTable) check() error {
	if !(t.Last >= 0) || int(t.Last) >= len(t.Base) || float32(int(t.Last)) != t.Last {
		return fmt.Errorf("simd: StepTable: last bucket %v of %d", t.Last, len(t.Base))
	}
	if len(t.Thr) != len(t.Base) {
		return fmt.Errorf("simd: StepTable: %d thresholds for %d buckets", len(t.Thr), len(t.Base))
	}
	if a := t.Approx; a != nil && !(a.Inv > 0 && a.Margin >= 0 && a.Margin < 0.5) {
		return fmt.Errorf("simd: StepTable: approximation with scale %v and margin %v", a.Inv, a.Margin)
	}
	return nil
}

// NewStepTable validates t for StepLookup.
func NewStepTable(t StepTable) (*StepTable, error) {
	if err := t.check(); err != nil {
		return nil, err
	}
	if t.Approx != nil {
		a := *t.Approx
		for k, c := range a.Coef {
			for l := range a.vec[k] {
				a.vec[k][l] = c
			}
		}
		t.Approx = &a
	}
	return &t, nil
}

// StepLookup sets dst[i] to the step of src[i] in t (saturated to int8),
// and 0 for NaN. t must come from NewStepTable.
func StepLookup(dst []int8, src []float32, t *StepTable) {
	if len(dst) < len(src) {
		panic(fmt.Sprintf("simd: StepLookup: %d values into %d", len(src), len(dst)))
	}
	if len(src) == 0 {
		return
	}
	f32RaceRead(src)
	stepLookupFn(dst[:len(src)], src, t)
}

var stepLookupFn func(dst []int8, src []float32, t *StepTable)

var stepLookupFamily = newFamily("steplookup", &stepLookupFn, stepLookupGeneric, stepLookupArch...)

// stepLookupGeneric is the Go twin of StepLookup.
func stepLookupGeneric(dst []int8, src []float32, t *StepTable) {
	dst = dst[:len(src)]
	base, thr := t.Base, t.Thr[:len(t.Base)]
	for k, v := range src {
		if v != v {
			dst[k] = 0
			continue
		}
		b := t.Bucket(v)
		// Without a branch: which way a value goes is data, not pattern.
		var up int32
		if v >= thr[b] {
			up = 1
		}
		dst[k] = int8(max(-128, min(127, base[b]+up-t.Bias)))
	}
}
