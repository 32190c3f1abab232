package runtime

import (
	"encoding/json"
	"fmt"
	"unsafe"

	"github.com/edgerun/edgerun/runtime/internal/kern"
)

// Int8 ops. Activations are U8 (with a zero point) or I8; weights are
// symmetric I8, biases I32 in units of input scale × weight scale, and
// "mult" holds one F32 requantisation multiplier per output channel. The
// integer paths give identical bytes on every architecture.

// quantize: x F32 → "dtype" (U8 or I8) with scale and zero_point;
// dequantize: the reverse, to F32.
type quantAttrs struct {
	Scale     float32 `json:"scale"`
	ZeroPoint int32   `json:"zero_point"`
	DType     DType   `json:"dtype"`
}

func checkQuant(dt DType, scale float32, zero int32) error {
	switch dt {
	case U8:
		return kern.CheckQuant[uint8](scale, zero)
	case S8:
		return kern.CheckQuant[int8](scale, zero)
	}
	return fmt.Errorf("quantised type %s is not U8 or I8", dt)
}

func quantizeInfer(attrs any, in []ValueType) ([]ValueType, error) {
	a := attrs.(*quantAttrs)
	if err := checkDType(in, F32, 0); err != nil {
		return nil, err
	}
	if err := checkQuant(a.DType, a.Scale, a.ZeroPoint); err != nil {
		return nil, err
	}
	return []ValueType{{DType: a.DType, Shape: in[0].Shape}}, nil
}

func quantizePrepare(attrs any, in, out []*Tensor, _ *env) (func(), error) {
	a := attrs.(*quantAttrs)
	x := in[0].F32()
	if a.DType == U8 {
		y := out[0].U8()
		return func() { kern.Quantize(y, x, a.Scale, a.ZeroPoint) }, nil
	}
	y := out[0].S8()
	return func() { kern.Quantize(y, x, a.Scale, a.ZeroPoint) }, nil
}

func dequantizeInfer(attrs any, in []ValueType) ([]ValueType, error) {
	a := attrs.(*quantAttrs)
	if err := checkQuant(in[0].DType, a.Scale, a.ZeroPoint); err != nil {
		return nil, err
	}
	return vt(F32, in[0].Shape...)
}

func dequantizePrepare(attrs any, in, out []*Tensor, _ *env) (func(), error) {
	a := attrs.(*quantAttrs)
	y := out[0].F32()
	if in[0].dtype == U8 {
		x := in[0].U8()
		return func() { kern.Dequantize(y, x, a.Scale, a.ZeroPoint) }, nil
	}
	x := in[0].S8()
	return func() { kern.Dequantize(y, x, a.Scale, a.ZeroPoint) }, nil
}

// qconv2d and qdense: inputs x, w (I8), bias (I32, may be absent), mult
// (F32, one per output channel, an initializer); attributes x_zero and
// y_zero, plus the convolution's geometry for qconv2d.
type qAttrs struct {
	convAttrs
	XZero int32 `json:"x_zero"`
	YZero int32 `json:"y_zero"`
}

var qconvParse = func() func(json.RawMessage) (any, error) {
	conv := convParser(2)
	zeros := attrParserLoose(qAttrs{})
	return func(raw json.RawMessage) (any, error) {
		z, err := zeros(raw)
		if err != nil {
			return nil, err
		}
		q := z.(*qAttrs)
		// The geometry goes through the convolution's own parser; x_zero
		// and y_zero are removed first so it sees only its keys.
		var m map[string]json.RawMessage
		if len(raw) > 0 {
			if err := json.Unmarshal(raw, &m); err != nil {
				return nil, fmt.Errorf("attributes: %v", err)
			}
		}
		delete(m, "x_zero")
		delete(m, "y_zero")
		rest, _ := json.Marshal(m)
		c, err := conv(rest)
		if err != nil {
			return nil, err
		}
		q.convAttrs = *c.(*convAttrs)
		return q, nil
	}
}()

// attrParserLoose decodes known keys and ignores the rest; the caller
// checks the rest with a strict parser.
func attrParserLoose[T any](def T) func(json.RawMessage) (any, error) {
	return func(raw json.RawMessage) (any, error) {
		a := new(T)
		*a = def
		if len(raw) > 0 {
			if err := json.Unmarshal(raw, a); err != nil {
				return nil, fmt.Errorf("attributes: %v", err)
			}
		}
		return a, nil
	}
}

var qdenseParse = attrParser(struct {
	XZero int32 `json:"x_zero"`
	YZero int32 `json:"y_zero"`
}{})

func qzeros(attrs any) (x, y int32) {
	if q, ok := attrs.(*qAttrs); ok {
		return q.XZero, q.YZero
	}
	z := attrs.(*struct {
		XZero int32 `json:"x_zero"`
		YZero int32 `json:"y_zero"`
	})
	return z.XZero, z.YZero
}

// checkQLayer checks the types, the bias and mult shapes and data, and
// the zero points, and returns the multipliers (placeholders at infer time
// when mult is not an initializer, which is an error).
func checkQLayer(attrs any, in []ValueType, outC int) ([]float32, error) {
	dt := in[0].DType
	xz, yz := qzeros(attrs)
	if err := checkQuant(dt, 1, xz); err != nil {
		return nil, fmt.Errorf("x_zero: %v", err)
	}
	if err := checkQuant(dt, 1, yz); err != nil {
		return nil, fmt.Errorf("y_zero: %v", err)
	}
	if in[1].DType != S8 || in[1].init == nil {
		// Constant weights are packed once per session for the int8 GEMM.
		return nil, fmt.Errorf("weights are %s, want an I8 initializer", in[1])
	}
	if in[2].DType != DTypeInvalid && (in[2].DType != S32 || !shapeEqual(in[2].Shape, []int{outC})) {
		return nil, fmt.Errorf("bias is %s, want I32[%d]", in[2], outC)
	}
	if in[3].DType != F32 || !shapeEqual(in[3].Shape, []int{outC}) || in[3].init == nil {
		return nil, fmt.Errorf("mult is %s, want an F32[%d] initializer", in[3], outC)
	}
	return in[3].init.F32(), nil
}

func qconvParams(attrs any, in []ValueType) (kern.QConv2DParams, error) {
	a := attrs.(*qAttrs)
	x, w := in[0].Shape, in[1].Shape
	if len(x) != 4 || len(w) != 4 || w[1]*a.Groups != x[1] {
		return kern.QConv2DParams{}, fmt.Errorf("input %v, weight %v and groups %d disagree", x, w, a.Groups)
	}
	mult, err := checkQLayer(attrs, in, w[0])
	if err != nil {
		return kern.QConv2DParams{}, err
	}
	p := kern.QConv2DParams{Conv2DParams: convParams(&a.convAttrs, x, w), QuantParams: kern.QuantParams{XZero: a.XZero, YZero: a.YZero, Mult: mult}}
	return p, p.Validate()
}

func qconvInfer(attrs any, in []ValueType) ([]ValueType, error) {
	p, err := qconvParams(attrs, in)
	if err != nil {
		return nil, err
	}
	return vt(in[0].DType, p.N, p.OutC, p.OutH(), p.OutW())
}

// qconvScratch holds the int32 accumulators, then the 1-byte patches,
// in float32 units.
func qconvScratch(attrs any, in []ValueType, _ int) int {
	p, _ := qconvParams(attrs, in)
	patches, acc := kern.QConv2DScratch(&p)
	return acc + (patches+3)/4
}

func qdenseScratch(attrs any, in []ValueType, _ int) int {
	p, _ := qdenseParams(attrs, in)
	return kern.QDenseScratch(&p)
}

// scratchParts splits float32 scratch into acc int32s and the bytes after.
func scratchParts(sc []float32, acc int) ([]int32, []byte) {
	if len(sc) == 0 {
		return nil, nil
	}
	b := unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(sc))), 4*len(sc))
	return unsafe.Slice((*int32)(unsafe.Pointer(unsafe.SliceData(sc))), acc), b[4*acc:]
}

func typesOf(in []*Tensor) []ValueType {
	out := make([]ValueType, len(in))
	for i, t := range in {
		if t != nil {
			out[i] = ValueType{DType: t.dtype, Shape: t.shape, init: t}
		}
	}
	return out
}

func optS32(in []*Tensor, i int) []int32 {
	if i < len(in) && in[i] != nil {
		return in[i].S32()
	}
	return nil
}

func qconvPrepare(attrs any, in, out []*Tensor, e *env) (func(), error) {
	p, err := qconvParams(attrs, typesOf(in))
	if err != nil {
		return nil, err
	}
	w, bias := in[1].S8(), optS32(in, 2)
	p.Pack(w)
	np, na := kern.QConv2DScratch(&p)
	acc, rest := scratchParts(e.scratch, na)
	if in[0].dtype == U8 {
		x, y, patches := in[0].U8(), out[0].U8(), rest[:np]
		return func() { kern.QConv2D(&p, y, x, w, bias, patches, acc) }, nil
	}
	patches := unsafe.Slice((*int8)(unsafe.Pointer(unsafe.SliceData(rest))), np)
	x, y := in[0].S8(), out[0].S8()
	return func() { kern.QConv2D(&p, y, x, w, bias, patches, acc) }, nil
}

func qdenseParams(attrs any, in []ValueType) (kern.QDenseParams, error) {
	x, w := in[0].Shape, in[1].Shape
	if len(x) < 1 || len(w) != 2 || x[len(x)-1] != w[1] {
		return kern.QDenseParams{}, fmt.Errorf("input %v and weight %v disagree", x, w)
	}
	mult, err := checkQLayer(attrs, in, w[0])
	if err != nil {
		return kern.QDenseParams{}, err
	}
	xz, yz := qzeros(attrs)
	p := kern.QDenseParams{DenseParams: denseParams(x, w), QuantParams: kern.QuantParams{XZero: xz, YZero: yz, Mult: mult}}
	return p, p.Validate()
}

func qdenseInfer(attrs any, in []ValueType) ([]ValueType, error) {
	p, err := qdenseParams(attrs, in)
	if err != nil {
		return nil, err
	}
	x := in[0].Shape
	return vt(in[0].DType, append(append([]int(nil), x[:len(x)-1]...), p.Out)...)
}

func qdensePrepare(attrs any, in, out []*Tensor, e *env) (func(), error) {
	p, err := qdenseParams(attrs, typesOf(in))
	if err != nil {
		return nil, err
	}
	w, bias := in[1].S8(), optS32(in, 2)
	p.Pack(w)
	acc, _ := scratchParts(e.scratch, kern.QDenseScratch(&p))
	if in[0].dtype == U8 {
		x, y := in[0].U8(), out[0].U8()
		return func() { kern.QDense(&p, y, x, w, bias, acc) }, nil
	}
	x, y := in[0].S8(), out[0].S8()
	return func() { kern.QDense(&p, y, x, w, bias, acc) }, nil
}

func init() {
	register(&opDef{name: "quantize", minIn: 1, maxIn: 1, nOut: 1, parse: attrParser(quantAttrs{Scale: 1, DType: U8}), infer: quantizeInfer, prepare: quantizePrepare})
	register(&opDef{name: "dequantize", minIn: 1, maxIn: 1, nOut: 1, parse: attrParser(quantAttrs{Scale: 1, DType: U8}), infer: dequantizeInfer, prepare: dequantizePrepare})
	register(&opDef{name: "qconv2d", minIn: 4, maxIn: 4, nOut: 1, parse: qconvParse, infer: qconvInfer, scratch: qconvScratch, prepare: qconvPrepare})
	register(&opDef{name: "qdense", minIn: 4, maxIn: 4, nOut: 1, parse: qdenseParse, infer: qdenseInfer, scratch: qdenseScratch, prepare: qdensePrepare})
}
