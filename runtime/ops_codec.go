package runtime

import (
	"fmt"

	"github.com/edgerun/edgerun/codec"
	"github.com/edgerun/edgerun/simd"
)

// The codec ops: WaLLoC's encoder is wpt → conv2d/conv1d 1x1 → compand →
// round_s8, its decoder decompand → 1x1 → iwpt.

// wptAttrs: the wavelet (a name codec.FilterByName knows) and the number
// of packet levels J. For iwpt, "size" optionally gives the signal's
// spatial size (needed when it was not a multiple of 2^J).
type wptAttrs struct {
	Wavelet string `json:"wavelet"`
	Levels  int    `json:"levels"`
	Size    []int  `json:"size"`

	filter *codec.Filter
}

func (a *wptAttrs) validate() error {
	f, err := codec.FilterByName(a.Wavelet)
	if err != nil {
		return err
	}
	if a.Levels < 1 || a.Levels > codec.MaxLevels {
		return fmt.Errorf("levels %d not in 1..%d", a.Levels, codec.MaxLevels)
	}
	a.filter = f
	return nil
}

// wptPlan is what the 1-D and 2-D packet transforms have in common.
type wptPlan interface {
	InLen() int
	OutLen() int
	ForwardScratchLen() int
	InverseScratchLen() int
	Forward(dst, src, scratch []float32) error
	Inverse(dst, src, scratch []float32) error
}

// planWPT plans the transform of a signal of shape sig (NCL or NCHW) and
// returns the coefficient shape.
func planWPT(a *wptAttrs, sig []int) (wptPlan, []int, error) {
	switch len(sig) {
	case 3:
		p, err := codec.NewWPT1D(a.filter, sig[0], sig[1], sig[2], a.Levels)
		if err != nil {
			return nil, nil, err
		}
		n, c, l := p.OutShape()
		return p, []int{n, c, l}, nil
	case 4:
		p, err := codec.NewWPT2D(a.filter, sig[0], sig[1], sig[2], sig[3], a.Levels)
		if err != nil {
			return nil, nil, err
		}
		n, c, h, w := p.OutShape()
		return p, []int{n, c, h, w}, nil
	}
	return nil, nil, fmt.Errorf("signal %v is not NCL or NCHW", sig)
}

// signalShape gives the signal an inverse transform rebuilds from
// coefficients of shape coef.
func signalShape(a *wptAttrs, coef []int) ([]int, error) {
	if len(coef) != 3 && len(coef) != 4 {
		return nil, fmt.Errorf("coefficients %v are not NCL or NCHW", coef)
	}
	spatial := len(coef) - 2
	bands := 1 << (spatial * a.Levels)
	if coef[1]%bands != 0 {
		return nil, fmt.Errorf("%d channels are not a multiple of the %d bands of %d levels", coef[1], bands, a.Levels)
	}
	sig := []int{coef[0], coef[1] / bands}
	for i := 0; i < spatial; i++ {
		d := coef[2+i] << a.Levels
		if a.Size != nil {
			if len(a.Size) != spatial {
				return nil, fmt.Errorf("size %v, want %d values", a.Size, spatial)
			}
			d = a.Size[i]
		}
		sig = append(sig, d)
	}
	return sig, nil
}

func wptInfer(attrs any, in []ValueType) ([]ValueType, error) {
	if err := allF32(in); err != nil {
		return nil, err
	}
	_, out, err := planWPT(attrs.(*wptAttrs), in[0].Shape)
	if err != nil {
		return nil, err
	}
	return vt(F32, out...)
}

func iwptInfer(attrs any, in []ValueType) ([]ValueType, error) {
	if err := allF32(in); err != nil {
		return nil, err
	}
	a := attrs.(*wptAttrs)
	sig, err := signalShape(a, in[0].Shape)
	if err != nil {
		return nil, err
	}
	_, coef, err := planWPT(a, sig)
	if err != nil {
		return nil, err
	}
	if !shapeEqual(coef, in[0].Shape) {
		return nil, fmt.Errorf("a signal of %v has coefficients %v, not %v", sig, coef, in[0].Shape)
	}
	return vt(F32, sig...)
}

func wptScratch(inverse bool) func(any, []ValueType, int) int {
	return func(attrs any, in []ValueType, _ int) int {
		a := attrs.(*wptAttrs)
		sig := in[0].Shape
		if inverse {
			sig, _ = signalShape(a, sig)
		}
		p, _, err := planWPT(a, sig)
		if err != nil {
			return 0
		}
		if inverse {
			return p.InverseScratchLen()
		}
		if p2, ok := p.(*codec.WPT2D); ok {
			// Enough for a projection folded into it too.
			return max(p2.ForwardScratchLen(), p2.ProjectScratchLen())
		}
		return p.ForwardScratchLen()
	}
}

// wptFits checks once that the tensors a transform runs on hold what its
// plan needs (the planner sized them together, so it cannot fail short of
// a bug), which lets each run ignore the transform's own length checks
// without running the transform while the session is prepared.
func wptFits(x, y, scratch []float32, nx, ny, nscratch int) error {
	if len(x) < nx || len(y) < ny || len(scratch) < nscratch {
		return fmt.Errorf("transform needs input %d, output %d, scratch %d floats; has %d, %d, %d",
			nx, ny, nscratch, len(x), len(y), len(scratch))
	}
	return nil
}

func wptPrepare(inverse bool) func(any, []*Tensor, []*Tensor, *env) (func(), error) {
	return func(attrs any, in, out []*Tensor, e *env) (func(), error) {
		sig := in[0].shape
		if inverse {
			sig = out[0].shape
		}
		p, _, err := planWPT(attrs.(*wptAttrs), sig)
		if err != nil {
			return nil, err
		}
		x, y, sc := in[0].F32(), out[0].F32(), e.scratch
		if e.project != nil {
			p2, ok := p.(*codec.WPT2D)
			if !ok || inverse {
				return nil, fmt.Errorf("a projection was folded into a transform that is not a 2D analysis")
			}
			w := e.project[0].F32()
			var bias []float32
			if e.project[1] != nil {
				bias = e.project[1].F32()
			}
			pr, err := p2.NewProjection(w, bias, e.project[0].shape[0])
			if err != nil {
				return nil, err
			}
			if err := wptFits(x, y, sc, p2.InLen(), p2.ProjectLen(pr), p2.ProjectScratchLen()); err != nil {
				return nil, err
			}
			return func() { p2.ForwardProject(y, x, pr, sc) }, nil
		}
		if inverse {
			if err := wptFits(x, y, sc, p.OutLen(), p.InLen(), p.InverseScratchLen()); err != nil {
				return nil, err
			}
			return func() { p.Inverse(y, x, sc) }, nil
		}
		if err := wptFits(x, y, sc, p.InLen(), p.OutLen(), p.ForwardScratchLen()); err != nil {
			return nil, err
		}
		return func() { p.Forward(y, x, sc) }, nil
	}
}

// compand maps projected coefficients through the Gaussian CDF onto the
// latent range of "bits" (2..8); decompand is its inverse and also takes
// the I8 latents directly.
type compandAttrs struct {
	Bits int `json:"bits"`

	c codec.Compander
}

func (a *compandAttrs) validate() error {
	var err error
	a.c, err = codec.NewCompander(a.Bits)
	return err
}

func compandInfer(_ any, in []ValueType) ([]ValueType, error) {
	if err := allF32(in); err != nil {
		return nil, err
	}
	return []ValueType{{DType: F32, Shape: in[0].Shape}}, nil
}

func compandPrepare(attrs any, in, out []*Tensor, e *env) (func(), error) {
	c := attrs.(*compandAttrs).c
	x := in[0].F32()
	if e.roundS8 {
		y := out[0].S8()
		return func() { c.Quantize(y, x) }, nil
	}
	y := out[0].F32()
	return func() { c.ToUniform(y, x) }, nil
}

func decompandInfer(_ any, in []ValueType) ([]ValueType, error) {
	if in[0].DType != F32 && in[0].DType != S8 {
		return nil, fmt.Errorf("input is %s, want F32 or I8", in[0].DType)
	}
	return []ValueType{{DType: F32, Shape: in[0].Shape}}, nil
}

func decompandPrepare(attrs any, in, out []*Tensor, _ *env) (func(), error) {
	c := attrs.(*compandAttrs).c
	y := out[0].F32()
	if in[0].dtype == S8 {
		x := in[0].S8()
		return func() { c.Dequantize(y, x) }, nil
	}
	x := in[0].F32()
	return func() { c.ToNormal(y, x) }, nil
}

// round_s8 rounds to the nearest integer, ties to even, saturating to I8
// (NaN becomes 0): the encoder's latents.
func roundS8Infer(_ any, in []ValueType) ([]ValueType, error) {
	if err := allF32(in); err != nil {
		return nil, err
	}
	return []ValueType{{DType: S8, Shape: in[0].Shape}}, nil
}

func roundS8Prepare(_ any, in, out []*Tensor, _ *env) (func(), error) {
	x, y := in[0].F32(), out[0].S8()
	return func() { simd.RoundS8(y, x) }, nil
}

func init() {
	wpt := attrParser(wptAttrs{Wavelet: "bior4.4", Levels: 1})
	register(&opDef{name: "wpt", minIn: 1, maxIn: 1, nOut: 1, parse: wpt, infer: wptInfer, scratch: wptScratch(false), prepare: wptPrepare(false)})
	register(&opDef{name: "iwpt", minIn: 1, maxIn: 1, nOut: 1, parse: wpt, infer: iwptInfer, scratch: wptScratch(true), prepare: wptPrepare(true)})
	register(&opDef{name: "compand", minIn: 1, maxIn: 1, nOut: 1, parse: attrParser(compandAttrs{Bits: 8}), infer: compandInfer, prepare: compandPrepare})
	register(&opDef{name: "decompand", minIn: 1, maxIn: 1, nOut: 1, parse: attrParser(compandAttrs{Bits: 8}), infer: decompandInfer, prepare: decompandPrepare})
	register(&opDef{name: "round_s8", minIn: 1, maxIn: 1, nOut: 1, infer: roundS8Infer, prepare: roundS8Prepare})
}
