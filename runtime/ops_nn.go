package runtime

import (
	"fmt"
	"math"

	"github.com/edgerun/edgerun/runtime/internal/kern"
)

// dense: y = x·wᵀ + b over the last axis of x, weights [out, in] as in
// PyTorch's Linear; leading axes of x are rows.
func denseParams(x, w []int) kern.DenseParams {
	return kern.DenseParams{Batch: prod(x[:len(x)-1]), In: w[1], Out: w[0]}
}

func denseInfer(_ any, in []ValueType) ([]ValueType, error) {
	if err := allF32(in); err != nil {
		return nil, err
	}
	x, w := in[0].Shape, in[1].Shape
	if len(x) < 1 || len(w) != 2 || x[len(x)-1] != w[1] {
		return nil, fmt.Errorf("input %v and weight %v (want [out, %s]) disagree", x, w, lastDim(x))
	}
	if len(in) > 2 && in[2].DType != DTypeInvalid && (len(in[2].Shape) != 1 || in[2].Shape[0] != w[0]) {
		return nil, fmt.Errorf("bias %v, want [%d]", in[2].Shape, w[0])
	}
	p := denseParams(x, w)
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return vt(F32, append(append([]int(nil), x[:len(x)-1]...), w[0])...)
}

func lastDim(s []int) string {
	if len(s) == 0 {
		return "?"
	}
	return fmt.Sprint(s[len(s)-1])
}

func densePrepare(_ any, in, out []*Tensor, e *env) (func(), error) {
	p := denseParams(in[0].shape, in[1].shape)
	x, w, y := in[0].F32(), in[1].F32(), out[0].F32()
	var b []float32
	if len(in) > 2 && in[2] != nil {
		b = in[2].F32()
	}
	// dense runs rows rows of the layer; it takes a count, not params, so
	// that nothing escapes to the heap through the function value.
	dense := func(rows int, y, x []float32) {
		q := p
		q.Batch = rows
		kern.Dense(&q, y, x, w, b)
	}
	if len(e.constIn) > 1 && e.constIn[1] {
		// Constant weights are packed once, here, into the microkernel's
		// panel layout: otherwise every run would repack them, which costs
		// as much as the product at small batches. The packed product has
		// the same bits however the rows are split across threads.
		pw := kern.PackDense(&p, w)
		dense = func(rows int, y, x []float32) {
			q := p
			q.Batch = rows
			kern.DensePacked(&q, y, x, pw, b)
		}
	}
	if e.pool == nil || p.Batch*p.In*p.Out < 1<<16 {
		return func() { dense(p.Batch, y, x) }, nil
	}
	if p.Batch >= e.threads {
		// Split the rows.
		body := func(_, lo, hi int) {
			dense(hi-lo, y[lo*p.Out:hi*p.Out], x[lo*p.In:hi*p.In])
		}
		return func() { e.pool.parallel(p.Batch, 1, body) }, nil
	}
	if p.Batch != 1 {
		return func() { dense(p.Batch, y, x) }, nil
	}
	// One row: split the output features (rows of w).
	body := func(_, lo, hi int) {
		q := p
		q.Out = hi - lo
		var bb []float32
		if b != nil {
			bb = b[lo:hi]
		}
		kern.Dense(&q, y[lo:hi], x, w[lo*p.In:hi*p.In], bb)
	}
	return func() { e.pool.parallel(p.Out, 16, body) }, nil
}

// matmul: a [..., M, K] times b [K, N] (shared) or [..., K, N] with the
// same leading axes.
func matmulParams(a, b []int) (kern.MatMulParams, error) {
	if len(a) < 2 || len(b) < 2 {
		return kern.MatMulParams{}, fmt.Errorf("operands %v and %v need rank 2 or more", a, b)
	}
	p := kern.MatMulParams{Batch: prod(a[:len(a)-2]), M: a[len(a)-2], K: a[len(a)-1], N: b[len(b)-1]}
	switch {
	case b[len(b)-2] != p.K:
		return p, fmt.Errorf("inner dimensions of %v and %v differ", a, b)
	case len(b) == 2:
		p.BroadcastB = true
	case !shapeEqual(a[:len(a)-2], b[:len(b)-2]):
		return p, fmt.Errorf("leading axes of %v and %v differ", a, b)
	}
	return p, p.Validate()
}

func matmulInfer(_ any, in []ValueType) ([]ValueType, error) {
	if err := allF32(in); err != nil {
		return nil, err
	}
	a := in[0].Shape
	p, err := matmulParams(a, in[1].Shape)
	if err != nil {
		return nil, err
	}
	return vt(F32, append(append([]int(nil), a[:len(a)-1]...), p.N)...)
}

func matmulPrepare(_ any, in, out []*Tensor, _ *env) (func(), error) {
	p, err := matmulParams(in[0].shape, in[1].shape)
	if err != nil {
		return nil, err
	}
	a, b, y := in[0].F32(), in[1].F32(), out[0].F32()
	return func() { kern.MatMul(&p, y, a, b) }, nil
}

// softmax, argmax and topk work along attribute "axis" (default -1).
type axisAttrs struct {
	Axis int `json:"axis"`
}

func softmaxInfer(attrs any, in []ValueType) ([]ValueType, error) {
	if err := allF32(in); err != nil {
		return nil, err
	}
	ax, err := kern.AxisOf(in[0].Shape, attrs.(*axisAttrs).Axis)
	if err != nil {
		return nil, err
	}
	if err := ax.Validate(); err != nil {
		return nil, err
	}
	return []ValueType{in[0]}, nil
}

func softmaxPrepare(attrs any, in, out []*Tensor, _ *env) (func(), error) {
	ax, err := kern.AxisOf(in[0].shape, attrs.(*axisAttrs).Axis)
	if err != nil {
		return nil, err
	}
	x, y := in[0].F32(), out[0].F32()
	return func() { kern.Softmax(&ax, y, x) }, nil
}

type argmaxAttrs struct {
	Axis     int  `json:"axis"`
	Keepdims bool `json:"keepdims"`
}

// reduced drops (or with keep, sets to 1) axis ax of s.
func reduced(s []int, ax int, keep bool, k int) []int {
	out := append([]int(nil), s[:ax]...)
	if keep {
		out = append(out, k)
	}
	return append(out, s[ax+1:]...)
}

func argmaxInfer(attrs any, in []ValueType) ([]ValueType, error) {
	a := attrs.(*argmaxAttrs)
	if err := allF32(in); err != nil {
		return nil, err
	}
	s := in[0].Shape
	ax, err := normAxis(a.Axis, len(s))
	if err != nil {
		return nil, err
	}
	if v, err := kern.AxisOf(s, ax); err != nil || v.Validate() != nil {
		return nil, fmt.Errorf("cannot reduce axis %d of %v", a.Axis, s)
	}
	return vt(S32, reduced(s, ax, a.Keepdims, 1)...)
}

func argmaxPrepare(attrs any, in, out []*Tensor, _ *env) (func(), error) {
	ax, err := kern.AxisOf(in[0].shape, attrs.(*argmaxAttrs).Axis)
	if err != nil {
		return nil, err
	}
	x, y := in[0].F32(), out[0].S32()
	return func() { kern.ArgMax(&ax, y, x) }, nil
}

// topk gives the k largest (or smallest) values along axis, in order, and
// their S32 indices; the axis keeps length k.
type topkAttrs struct {
	K       int  `json:"k"`
	Axis    int  `json:"axis"`
	Largest bool `json:"largest"`
}

func topkParams(a *topkAttrs, s []int) (kern.TopKParams, error) {
	ax, err := kern.AxisOf(s, a.Axis)
	if err != nil {
		return kern.TopKParams{}, err
	}
	p := kern.TopKParams{Axis: ax, K: a.K, Largest: a.Largest}
	return p, p.Validate()
}

func topkInfer(attrs any, in []ValueType) ([]ValueType, error) {
	a := attrs.(*topkAttrs)
	if err := allF32(in); err != nil {
		return nil, err
	}
	if _, err := topkParams(a, in[0].Shape); err != nil {
		return nil, err
	}
	ax, _ := normAxis(a.Axis, len(in[0].Shape))
	s := reduced(in[0].Shape, ax, true, a.K)
	return []ValueType{{DType: F32, Shape: s}, {DType: S32, Shape: s}}, nil
}

func topkPrepare(attrs any, in, out []*Tensor, _ *env) (func(), error) {
	p, err := topkParams(attrs.(*topkAttrs), in[0].shape)
	if err != nil {
		return nil, err
	}
	x, v, idx := in[0].F32(), out[0].F32(), out[1].S32()
	return func() { kern.TopK(&p, v, idx, x) }, nil
}

// Normalisations. batchnorm takes x, scale, bias, mean, var (channel axis
// 1); most are folded into the preceding conv or dense at load.
type epsAttrs struct {
	Epsilon float64 `json:"epsilon"`
	Groups  int     `json:"groups"`
	Axis    int     `json:"axis"`
}

func (a *epsAttrs) validate() error {
	if !(a.Epsilon >= 0) || a.Epsilon > math.MaxFloat32 {
		return fmt.Errorf("epsilon %v must be finite and >= 0", a.Epsilon)
	}
	return nil
}

// channelParams views x as N×C×Spatial.
func channelParams(x []int) (n, c, spatial int, err error) {
	if len(x) < 2 {
		return 0, 0, 0, fmt.Errorf("input %v has no channel axis", x)
	}
	return x[0], x[1], prod(x[2:]), nil
}

func checkVectors(in []ValueType, c int, from int) error {
	for i := from; i < len(in); i++ {
		if in[i].DType == DTypeInvalid {
			continue
		}
		if len(in[i].Shape) != 1 || in[i].Shape[0] != c {
			return fmt.Errorf("parameter %d has shape %v, want [%d]", i, in[i].Shape, c)
		}
	}
	return nil
}

func bnInfer(attrs any, in []ValueType) ([]ValueType, error) {
	if err := allF32(in); err != nil {
		return nil, err
	}
	n, c, sp, err := channelParams(in[0].Shape)
	if err != nil {
		return nil, err
	}
	if err := checkVectors(in, c, 1); err != nil {
		return nil, err
	}
	p := kern.BatchNormParams{N: n, C: c, Spatial: sp, Eps: float32(attrs.(*epsAttrs).Epsilon)}
	return []ValueType{in[0]}, p.Validate()
}

func bnPrepare(attrs any, in, out []*Tensor, _ *env) (func(), error) {
	n, c, sp, _ := channelParams(in[0].shape)
	p := kern.BatchNormParams{N: n, C: c, Spatial: sp, Eps: float32(attrs.(*epsAttrs).Epsilon)}
	x, y := in[0].F32(), out[0].F32()
	gamma, beta, mean, variance := in[1].F32(), in[2].F32(), in[3].F32(), in[4].F32()
	return func() { kern.BatchNorm(&p, y, x, mean, variance, gamma, beta) }, nil
}

// group_norm: x (N×C×...), optional gamma, beta; attributes groups, epsilon.
func gnParams(a *epsAttrs, x []int) (kern.GroupNormParams, error) {
	n, c, sp, err := channelParams(x)
	if err != nil {
		return kern.GroupNormParams{}, err
	}
	p := kern.GroupNormParams{N: n, C: c, Spatial: sp, Groups: a.Groups, Eps: float32(a.Epsilon)}
	return p, p.Validate()
}

func gnInfer(attrs any, in []ValueType) ([]ValueType, error) {
	if err := allF32(in); err != nil {
		return nil, err
	}
	p, err := gnParams(attrs.(*epsAttrs), in[0].Shape)
	if err != nil {
		return nil, err
	}
	return []ValueType{in[0]}, checkVectors(in, p.C, 1)
}

func optF32(in []*Tensor, i int) []float32 {
	if i < len(in) && in[i] != nil {
		return in[i].F32()
	}
	return nil
}

func gnPrepare(attrs any, in, out []*Tensor, _ *env) (func(), error) {
	p, err := gnParams(attrs.(*epsAttrs), in[0].shape)
	if err != nil {
		return nil, err
	}
	x, y, g, b := in[0].F32(), out[0].F32(), optF32(in, 1), optF32(in, 2)
	return func() { kern.GroupNorm(&p, y, x, g, b) }, nil
}

// layer_norm normalises over the axes from "axis" (default -1) on; gamma
// and beta, if given, have that many elements.
func lnParams(a *epsAttrs, x []int) (kern.LayerNormParams, error) {
	ax, err := normAxis(a.Axis, len(x))
	if err != nil {
		return kern.LayerNormParams{}, err
	}
	p := kern.LayerNormParams{Outer: prod(x[:ax]), Inner: prod(x[ax:]), Eps: float32(a.Epsilon)}
	return p, p.Validate()
}

func lnInfer(attrs any, in []ValueType) ([]ValueType, error) {
	if err := allF32(in); err != nil {
		return nil, err
	}
	p, err := lnParams(attrs.(*epsAttrs), in[0].Shape)
	if err != nil {
		return nil, err
	}
	for i := 1; i < len(in); i++ {
		if in[i].DType != DTypeInvalid && prod(in[i].Shape) != p.Inner {
			return nil, fmt.Errorf("parameter %d has shape %v, want %d elements", i, in[i].Shape, p.Inner)
		}
	}
	return []ValueType{in[0]}, nil
}

func lnPrepare(attrs any, in, out []*Tensor, _ *env) (func(), error) {
	p, err := lnParams(attrs.(*epsAttrs), in[0].shape)
	if err != nil {
		return nil, err
	}
	x, y, g, b := in[0].F32(), out[0].F32(), optF32(in, 1), optF32(in, 2)
	return func() { kern.LayerNorm(&p, y, x, g, b) }, nil
}

// pool2dAttrs: kernel, stride (default = kernel) and padding over NCHW;
// avgpool2d counts padding in the divisor unless count_include_pad is false.
type pool2dAttrs struct {
	Kernel          ints  `json:"kernel"`
	Stride          ints  `json:"stride"`
	Padding         ints  `json:"padding"`
	CountIncludePad *bool `json:"count_include_pad"`

	k, s, p []int
}

func (a *pool2dAttrs) validate() error {
	var err error
	if a.k, err = a.Kernel.expand(2, "kernel"); err != nil {
		return err
	}
	if a.Stride == nil {
		a.Stride = a.Kernel
	}
	if a.s, err = a.Stride.expand(2, "stride"); err != nil {
		return err
	}
	a.p, err = a.Padding.expand(2, "padding")
	return err
}

func poolParams(a *pool2dAttrs, x []int) (kern.Pool2DParams, error) {
	if len(x) != 4 {
		return kern.Pool2DParams{}, fmt.Errorf("input %v is not NCHW", x)
	}
	p := kern.Pool2DParams{N: x[0], C: x[1], H: x[2], W: x[3], KH: a.k[0], KW: a.k[1], StrideH: a.s[0], StrideW: a.s[1],
		PadTop: a.p[0], PadBottom: a.p[0], PadLeft: a.p[1], PadRight: a.p[1],
		CountIncludePad: a.CountIncludePad == nil || *a.CountIncludePad}
	return p, p.Validate()
}

func pool2dInfer(attrs any, in []ValueType) ([]ValueType, error) {
	if err := allF32(in); err != nil {
		return nil, err
	}
	p, err := poolParams(attrs.(*pool2dAttrs), in[0].Shape)
	if err != nil {
		return nil, err
	}
	return vt(F32, p.N, p.C, p.OutH(), p.OutW())
}

func pool2dPrepare(isMax bool) func(any, []*Tensor, []*Tensor, *env) (func(), error) {
	return func(attrs any, in, out []*Tensor, e *env) (func(), error) {
		p, err := poolParams(attrs.(*pool2dAttrs), in[0].shape)
		if err != nil {
			return nil, err
		}
		p.Relu = e.relu
		x, y := in[0].F32(), out[0].F32()
		if isMax {
			return func() { kern.MaxPool2D(&p, y, x) }, nil
		}
		return func() { kern.AvgPool2D(&p, y, x) }, nil
	}
}

// global_avg_pool: mean over all axes after 1, kept as size 1.
func gapInfer(_ any, in []ValueType) ([]ValueType, error) {
	if err := allF32(in); err != nil {
		return nil, err
	}
	x := in[0].Shape
	if len(x) < 3 || prod(x[2:]) == 0 {
		return nil, fmt.Errorf("input %v has no spatial extent", x)
	}
	out := []int{x[0], x[1]}
	for range x[2:] {
		out = append(out, 1)
	}
	return vt(F32, out...)
}

func gapPrepare(_ any, in, out []*Tensor, _ *env) (func(), error) {
	s := in[0].shape
	rows, spatial := s[0]*s[1], prod(s[2:])
	x, y := in[0].F32(), out[0].F32()
	return func() { kern.GlobalAvgPool(y, x, rows, spatial) }, nil
}

// upsample (nearest) by integer "scale": one value, or one per spatial
// axis, over NCL or NCHW.
type upsampleAttrs struct {
	Scale ints `json:"scale"`
}

func upsampleParams(a *upsampleAttrs, x []int) (kern.UpsampleParams, error) {
	var p kern.UpsampleParams
	switch len(x) {
	case 3:
		s, err := a.Scale.expand(1, "scale")
		if err != nil {
			return p, err
		}
		p = kern.UpsampleParams{N: x[0], C: x[1], H: 1, W: x[2], ScaleH: 1, ScaleW: s[0]}
	case 4:
		s, err := a.Scale.expand(2, "scale")
		if err != nil {
			return p, err
		}
		p = kern.UpsampleParams{N: x[0], C: x[1], H: x[2], W: x[3], ScaleH: s[0], ScaleW: s[1]}
	default:
		return p, fmt.Errorf("input %v is not NCL or NCHW", x)
	}
	return p, p.Validate()
}

func upsampleInfer(attrs any, in []ValueType) ([]ValueType, error) {
	if err := allF32(in); err != nil {
		return nil, err
	}
	x := in[0].Shape
	p, err := upsampleParams(attrs.(*upsampleAttrs), x)
	if err != nil {
		return nil, err
	}
	if len(x) == 3 {
		return vt(F32, p.N, p.C, p.W*p.ScaleW)
	}
	return vt(F32, p.N, p.C, p.H*p.ScaleH, p.W*p.ScaleW)
}

func upsamplePrepare(attrs any, in, out []*Tensor, _ *env) (func(), error) {
	p, err := upsampleParams(attrs.(*upsampleAttrs), in[0].shape)
	if err != nil {
		return nil, err
	}
	x, y := in[0].F32(), out[0].F32()
	return func() { kern.UpsampleNearest(&p, y, x) }, nil
}

// attention: the single-head spatial self-attention block of WaLLoC's
// decoder. Inputs: x (N×C×...), norm gamma, norm beta, wq, bq, wk, bk, wv,
// bv, wo, bo; attributes groups (of its group norm) and epsilon.
func attnParams(a *epsAttrs, x []int) (kern.AttentionParams, error) {
	n, c, sp, err := channelParams(x)
	if err != nil {
		return kern.AttentionParams{}, err
	}
	p := kern.AttentionParams{N: n, C: c, Spatial: sp, Groups: a.Groups, Eps: float32(a.Epsilon)}
	return p, p.Validate()
}

func attnInfer(attrs any, in []ValueType) ([]ValueType, error) {
	if err := allF32(in); err != nil {
		return nil, err
	}
	p, err := attnParams(attrs.(*epsAttrs), in[0].Shape)
	if err != nil {
		return nil, err
	}
	for i := 1; i < len(in); i++ {
		want := []int{p.C}
		if i >= 3 && i%2 == 1 {
			want = []int{p.C, p.C}
		}
		if !shapeEqual(in[i].Shape, want) {
			return nil, fmt.Errorf("parameter %d has shape %v, want %v", i, in[i].Shape, want)
		}
	}
	return []ValueType{in[0]}, nil
}

func attnScratch(attrs any, in []ValueType, _ int) int {
	p, _ := attnParams(attrs.(*epsAttrs), in[0].Shape)
	return kern.AttentionScratch(&p)
}

func attnPrepare(attrs any, in, out []*Tensor, e *env) (func(), error) {
	p, err := attnParams(attrs.(*epsAttrs), in[0].shape)
	if err != nil {
		return nil, err
	}
	w := &kern.AttentionWeights{
		NormGamma: in[1].F32(), NormBeta: in[2].F32(),
		Wq: in[3].F32(), Bq: in[4].F32(), Wk: in[5].F32(), Bk: in[6].F32(),
		Wv: in[7].F32(), Bv: in[8].F32(), Wo: in[9].F32(), Bo: in[10].F32(),
	}
	x, y := in[0].F32(), out[0].F32()
	return func() { kern.Attention(&p, y, x, w, e.scratch) }, nil
}

// nearest_centroid assigns each feature vector (the last axis of x) the
// index of the nearest of the centroids [K, D] (k-means assignment).
func ncParams(x, c []int) (kern.NearestCentroidParams, error) {
	if len(x) < 1 || len(c) != 2 || x[len(x)-1] != c[1] {
		return kern.NearestCentroidParams{}, fmt.Errorf("features %v and centroids %v (want [K, %s]) disagree", x, c, lastDim(x))
	}
	p := kern.NearestCentroidParams{N: prod(x[:len(x)-1]), D: c[1], K: c[0]}
	return p, p.Validate()
}

func ncInfer(_ any, in []ValueType) ([]ValueType, error) {
	if err := allF32(in); err != nil {
		return nil, err
	}
	if _, err := ncParams(in[0].Shape, in[1].Shape); err != nil {
		return nil, err
	}
	return vt(S32, in[0].Shape[:len(in[0].Shape)-1]...)
}

func ncPrepare(_ any, in, out []*Tensor, _ *env) (func(), error) {
	p, err := ncParams(in[0].shape, in[1].shape)
	if err != nil {
		return nil, err
	}
	x, c, y := in[0].F32(), in[1].F32(), out[0].S32()
	return func() { kern.NearestCentroid(&p, y, x, c) }, nil
}

func init() {
	register(&opDef{name: "dense", minIn: 2, maxIn: 3, nOut: 1, infer: denseInfer, prepare: densePrepare})
	register(&opDef{name: "matmul", minIn: 2, maxIn: 2, nOut: 1, infer: matmulInfer, prepare: matmulPrepare})
	register(&opDef{name: "softmax", minIn: 1, maxIn: 1, nOut: 1, parse: attrParser(axisAttrs{Axis: -1}), infer: softmaxInfer, prepare: softmaxPrepare})
	register(&opDef{name: "argmax", minIn: 1, maxIn: 1, nOut: 1, parse: attrParser(argmaxAttrs{Axis: -1}), infer: argmaxInfer, prepare: argmaxPrepare})
	register(&opDef{name: "topk", minIn: 1, maxIn: 1, nOut: 2, parse: attrParser(topkAttrs{Axis: -1, Largest: true}), infer: topkInfer, prepare: topkPrepare})
	register(&opDef{name: "batchnorm", minIn: 5, maxIn: 5, nOut: 1, parse: attrParser(epsAttrs{Epsilon: 1e-5}), infer: bnInfer, prepare: bnPrepare})
	register(&opDef{name: "group_norm", minIn: 1, maxIn: 3, nOut: 1, parse: attrParser(epsAttrs{Epsilon: 1e-5, Groups: 1}), infer: gnInfer, prepare: gnPrepare})
	register(&opDef{name: "layer_norm", minIn: 1, maxIn: 3, nOut: 1, parse: attrParser(epsAttrs{Epsilon: 1e-5, Axis: -1}), infer: lnInfer, prepare: lnPrepare})
	register(&opDef{name: "maxpool2d", minIn: 1, maxIn: 1, nOut: 1, parse: attrParser(pool2dAttrs{Padding: ints{0}}), infer: pool2dInfer, prepare: pool2dPrepare(true)})
	register(&opDef{name: "avgpool2d", minIn: 1, maxIn: 1, nOut: 1, parse: attrParser(pool2dAttrs{Padding: ints{0}}), infer: pool2dInfer, prepare: pool2dPrepare(false)})
	register(&opDef{name: "global_avg_pool", minIn: 1, maxIn: 1, nOut: 1, infer: gapInfer, prepare: gapPrepare})
	register(&opDef{name: "upsample", minIn: 1, maxIn: 1, nOut: 1, parse: attrParser(upsampleAttrs{Scale: ints{2}}), infer: upsampleInfer, prepare: upsamplePrepare})
	register(&opDef{name: "attention", minIn: 11, maxIn: 11, nOut: 1, parse: attrParser(epsAttrs{Epsilon: 1e-6, Groups: 32}), infer: attnInfer, scratch: attnScratch, prepare: attnPrepare})
	register(&opDef{name: "nearest_centroid", minIn: 2, maxIn: 2, nOut: 1, infer: ncInfer, prepare: ncPrepare})
}
