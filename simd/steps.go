package simd

import "fmt"

// StepTable describes a non-decreasing step function of float32 values by
// its thresholds, for StepLookup: a value v falls in bucket
//
//	b = trunc(min(max((v-Org)·Inv, 0), Last))   (float32 arithmetic)
//
// and its step is i + [v ≥ Thr[i+1]] + [v ≥ Thr[i+2]] - Bias with
// i = Base[b]. Whoever builds the table guarantees that two comparisons
// finish every bucket; NaN thresholds compare false. It is how the codec
// rounds companded latents without evaluating erf.
type StepTable struct {
	Org, Inv, Last float32
	Base           []int32
	Thr            []float32
	Bias           int32
}

// check reports whether every index StepLookup may form stays inside the
// table.
func (t *StepTable) check() error {
	if !(t.Last >= 0) || int(t.Last) >= len(t.Base) || float32(int(t.Last)) != t.Last {
		return fmt.Errorf("simd: StepTable: last bucket %v of %d", t.Last, len(t.Base))
	}
	for b, i := range t.Base {
		if i < 0 || int(i)+2 >= len(t.Thr) {
			return fmt.Errorf("simd: StepTable: bucket %d starts at threshold %d of %d", b, i, len(t.Thr))
		}
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
	org, inv, last := t.Org, t.Inv, t.Last
	base, thr := t.Base, t.Thr
	for k, v := range src {
		if v != v {
			dst[k] = 0
			continue
		}
		f := (v - org) * inv
		f = max(f, 0)
		f = min(f, last)
		i := int(base[int(f)])
		th := thr[i+1 : i+3 : i+3]
		// Without branches: which way a value goes is data, not pattern.
		var up0, up1 int
		if v >= th[0] {
			up0 = 1
		}
		if v >= th[1] {
			up1 = 1
		}
		dst[k] = int8(max(-128, min(127, i+up0+up1-int(t.Bias))))
	}
}
