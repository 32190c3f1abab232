package simd

import "fmt"

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
type StepTable struct {
	Org, Inv, Last float32
	Base           []int32
	Thr            []float32
	Bias           int32
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
	return nil
}

// NewStepTable validates t for StepLookup.
func NewStepTable(t StepTable) (*StepTable, error) {
	if err := t.check(); err != nil {
		return nil, err
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
