package runtime

import (
	"encoding/json"
	"fmt"

	"github.com/edgerun/edgerun/quant"
)

// dense_encoded is a dense layer whose weight matrix is stored compressed
// (f16/bf16, int8 per channel, int4 blocks, low rank, PQ/LR²VQ) and is
// multiplied in that form: inputs x, then the encoding's parts in the order
// the "parts" attribute names them, then an optional bias.
type encodedAttrs struct {
	Encoding string          `json:"encoding"`
	Rows     int             `json:"rows"`
	Cols     int             `json:"cols"`
	Params   json.RawMessage `json:"params,omitempty"`
	Parts    []string        `json:"parts"`
	// Rank, when positive, runs a low-rank matrix with only its Rank most
	// important ranks: one file, many device budgets.
	Rank int `json:"rank,omitempty"`
}

func (a *encodedAttrs) validate() error {
	if a.Encoding == "" || len(a.Parts) == 0 || len(a.Parts) > 8 {
		return fmt.Errorf("needs an encoding and 1..8 parts")
	}
	if a.Rank < 0 {
		return fmt.Errorf("negative rank")
	}
	return nil
}

// stored gathers the part tensors into a quant.Stored, typing each by its
// dtype; the tensors' memory (possibly the mapped file) is used in place.
func (a *encodedAttrs) stored(parts []*Tensor) (*quant.Stored, error) {
	s := &quant.Stored{Encoding: a.Encoding, Rows: a.Rows, Cols: a.Cols, Params: a.Params}
	for i, t := range parts {
		if t == nil {
			return nil, fmt.Errorf("part %q is absent", a.Parts[i])
		}
		var data any
		switch t.DType() {
		case F32:
			data = t.F32()
		case S8:
			data = t.S8()
		case U8:
			data = t.U8()
		case F16, BF16:
			data = t.U16()
		default:
			return nil, fmt.Errorf("part %q has dtype %s", a.Parts[i], t.DType())
		}
		s.Parts = append(s.Parts, quant.Part{Name: a.Parts[i], Data: data})
	}
	return s, nil
}

func encodedInfer(attrs any, in []ValueType) ([]ValueType, error) {
	a := attrs.(*encodedAttrs)
	if len(in) != 1+len(a.Parts) && len(in) != 2+len(a.Parts) {
		return nil, fmt.Errorf("%d inputs for %d parts (want x, the parts, then an optional bias)", len(in), len(a.Parts))
	}
	if in[0].DType != F32 {
		return nil, fmt.Errorf("input is %s, want F32", in[0].DType)
	}
	x := in[0].Shape
	if len(x) < 1 || x[len(x)-1] != a.Cols {
		return nil, fmt.Errorf("input %v does not end in the matrix's %d columns", x, a.Cols)
	}
	if nb := 1 + len(a.Parts); len(in) > nb && in[nb].DType != DTypeInvalid &&
		(in[nb].DType != F32 || len(in[nb].Shape) != 1 || in[nb].Shape[0] != a.Rows) {
		return nil, fmt.Errorf("bias %s, want F32[%d]", in[nb], a.Rows)
	}
	// The parts are constants: check them completely now, at load, so a
	// bad file fails at open rather than at the first run.
	parts := make([]*Tensor, len(a.Parts))
	for i := range parts {
		parts[i] = in[1+i].init
		if parts[i] == nil {
			return nil, fmt.Errorf("part %q must be a tensor of the file", a.Parts[i])
		}
	}
	s, err := a.stored(parts)
	if err != nil {
		return nil, err
	}
	if _, err := quant.Load(s, a.Rank); err != nil {
		return nil, err
	}
	return vt(F32, append(append([]int(nil), x[:len(x)-1]...), a.Rows)...)
}

func encodedRows(x []int) int { return prod(x[:len(x)-1]) }

func encodedScratch(attrs any, in []ValueType, _ int) int {
	a := attrs.(*encodedAttrs)
	parts := make([]*Tensor, len(a.Parts))
	for i := range parts {
		parts[i] = in[1+i].init
	}
	s, err := a.stored(parts)
	if err != nil {
		return 0
	}
	m, err := quant.Load(s, a.Rank)
	if err != nil {
		return 0
	}
	return m.ScratchSize(encodedRows(in[0].Shape))
}

func encodedPrepare(attrs any, in, out []*Tensor, e *env) (func(), error) {
	a := attrs.(*encodedAttrs)
	s, err := a.stored(in[1 : 1+len(a.Parts)])
	if err != nil {
		return nil, err
	}
	m, err := quant.Load(s, a.Rank)
	if err != nil {
		return nil, err
	}
	rows := encodedRows(in[0].shape)
	x, y := in[0].F32(), out[0].F32()
	var bias []float32
	if nb := 1 + len(a.Parts); len(in) > nb && in[nb] != nil {
		bias = in[nb].F32()
	}
	scratch := e.scratch[:m.ScratchSize(rows)]
	return func() {
		m.MatMul(y, x, rows, scratch)
		if bias != nil {
			for i := 0; i < rows; i++ {
				yi := y[i*a.Rows : (i+1)*a.Rows]
				for j, b := range bias {
					yi[j] += b
				}
			}
		}
	}, nil
}

func init() {
	register(&opDef{name: "dense_encoded", minIn: 2, maxIn: 10, nOut: 1,
		parse: attrParser(encodedAttrs{}), infer: encodedInfer, scratch: encodedScratch, prepare: encodedPrepare})
}
