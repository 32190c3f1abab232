package onnx

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"unicode/utf8"
)

// A hand-written decoder for the subset of the ONNX protobuf schema (onnx.proto3)
// the importer needs. It keeps the converter free of a protobuf runtime and
// treats its input as hostile: every length is checked against the bytes
// left, every allocation is bounded by the bytes it decodes, unknown fields
// are skipped, and nothing panics.

// ErrMalformed is wrapped by every error about bytes that are not a
// well-formed ONNX model.
var ErrMalformed = errors.New("onnx: malformed model")

func malformed(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrMalformed, fmt.Sprintf(format, a...))
}

// Protobuf wire types.
const (
	wireVarint = 0
	wire64     = 1
	wireBytes  = 2
	wire32     = 5
)

// ONNX TensorProto.DataType values the importer knows.
const (
	tFloat   = 1
	tUint8   = 2
	tInt8    = 3
	tUint16  = 4
	tInt16   = 5
	tInt32   = 6
	tInt64   = 7
	tString  = 8
	tBool    = 9
	tFloat16 = 10
	tDouble  = 11
	tUint32  = 12
	tUint64  = 13
)

// AttributeProto.AttributeType values.
const (
	attrFloat   = 1
	attrInt     = 2
	attrString  = 3
	attrTensor  = 4
	attrGraph   = 5
	attrFloats  = 6
	attrInts    = 7
	attrStrings = 8
)

// modelProto is the decoded ModelProto: only what conversion uses.
type modelProto struct {
	IRVersion       int64
	Opsets          map[string]int64 // domain ("" for ai.onnx) → version
	ProducerName    string
	ProducerVersion string
	Graph           *graphProto
}

type graphProto struct {
	Name    string
	Nodes   []*nodeProto
	Inits   []*tensorProto
	Inputs  []*valueInfo
	Outputs []*valueInfo
}

type nodeProto struct {
	Name, OpType, Domain string
	Inputs, Outputs      []string
	Attrs                []*attrProto
}

type attrProto struct {
	Name    string
	Type    int64
	F       float32
	I       int64
	S       []byte
	T       *tensorProto
	Floats  []float32
	Ints    []int64
	Strings [][]byte
	hasG    bool
}

// tensorProto holds a tensor's declared type and one of its data fields.
type tensorProto struct {
	Name     string
	DataType int64
	Dims     []int64
	Raw      []byte
	Floats   []float32
	Int32s   []int64 // int32_data (also carries int8, uint8, bool, float16 bits)
	Int64s   []int64
	Doubles  []float64
	External bool
	hasRaw   bool
}

type valueInfo struct {
	Name     string
	ElemType int64
	HasShape bool
	Dims     []dim
}

type dim struct {
	Value int64
	Param string // a symbolic dimension (dim_param); "" when Value is known
	Known bool
}

// wire reads one protobuf message.
type wire struct {
	b    []byte
	what string // the message, for errors
}

func (w *wire) done() bool { return len(w.b) == 0 }

func (w *wire) varint() (uint64, error) {
	var v uint64
	for i := 0; i < 10; i++ {
		if i >= len(w.b) {
			return 0, malformed("%s: truncated varint", w.what)
		}
		c := w.b[i]
		if i == 9 && c > 1 {
			return 0, malformed("%s: varint overflows 64 bits", w.what)
		}
		v |= uint64(c&0x7f) << (7 * i)
		if c < 0x80 {
			w.b = w.b[i+1:]
			return v, nil
		}
	}
	return 0, malformed("%s: varint longer than 10 bytes", w.what)
}

// key reads a field key: the field number and the wire type.
func (w *wire) key() (int, int, error) {
	k, err := w.varint()
	if err != nil {
		return 0, 0, err
	}
	f := k >> 3
	if f == 0 || f > 1<<29-1 {
		return 0, 0, malformed("%s: field number %d", w.what, f)
	}
	return int(f), int(k & 7), nil
}

func (w *wire) bytes() ([]byte, error) {
	n, err := w.varint()
	if err != nil {
		return nil, err
	}
	if n > uint64(len(w.b)) {
		return nil, malformed("%s: length %d exceeds the %d bytes left", w.what, n, len(w.b))
	}
	b := w.b[:n:n]
	w.b = w.b[n:]
	return b, nil
}

func (w *wire) fixed32() (uint32, error) {
	if len(w.b) < 4 {
		return 0, malformed("%s: truncated fixed32", w.what)
	}
	v := binary.LittleEndian.Uint32(w.b)
	w.b = w.b[4:]
	return v, nil
}

func (w *wire) fixed64() (uint64, error) {
	if len(w.b) < 8 {
		return 0, malformed("%s: truncated fixed64", w.what)
	}
	v := binary.LittleEndian.Uint64(w.b)
	w.b = w.b[8:]
	return v, nil
}

// skip passes over a field of wire type wt.
func (w *wire) skip(wt int) error {
	var err error
	switch wt {
	case wireVarint:
		_, err = w.varint()
	case wire64:
		_, err = w.fixed64()
	case wireBytes:
		_, err = w.bytes()
	case wire32:
		_, err = w.fixed32()
	default:
		err = malformed("%s: wire type %d", w.what, wt)
	}
	return err
}

// want checks that field f has wire type got.
func (w *wire) want(f, got, want int) error {
	if got != want {
		return malformed("%s: field %d has wire type %d, want %d", w.what, f, got, want)
	}
	return nil
}

func (w *wire) str(f, wt int) (string, error) {
	if err := w.want(f, wt, wireBytes); err != nil {
		return "", err
	}
	b, err := w.bytes()
	if err != nil {
		return "", err
	}
	if !utf8.Valid(b) {
		return "", malformed("%s: field %d is not UTF-8", w.what, f)
	}
	return string(b), nil
}

func (w *wire) int64v(f, wt int) (int64, error) {
	if err := w.want(f, wt, wireVarint); err != nil {
		return 0, err
	}
	v, err := w.varint()
	return int64(v), err
}

func (w *wire) sub(f, wt int, what string) (*wire, error) {
	if err := w.want(f, wt, wireBytes); err != nil {
		return nil, err
	}
	b, err := w.bytes()
	if err != nil {
		return nil, err
	}
	return &wire{b: b, what: what}, nil
}

// varints appends a repeated varint field, packed or not. Each value takes
// at least one byte, so the result never outgrows the input.
func (w *wire) varints(dst []int64, f, wt int) ([]int64, error) {
	switch wt {
	case wireVarint:
		v, err := w.varint()
		return append(dst, int64(v)), err
	case wireBytes:
		b, err := w.bytes()
		if err != nil {
			return nil, err
		}
		p := wire{b: b, what: w.what}
		for !p.done() {
			v, err := p.varint()
			if err != nil {
				return nil, err
			}
			dst = append(dst, int64(v))
		}
		return dst, nil
	}
	return nil, malformed("%s: field %d has wire type %d, want a varint", w.what, f, wt)
}

func (w *wire) floats(dst []float32, f, wt int) ([]float32, error) {
	switch wt {
	case wire32:
		v, err := w.fixed32()
		return append(dst, math.Float32frombits(v)), err
	case wireBytes:
		b, err := w.bytes()
		if err != nil {
			return nil, err
		}
		if len(b)%4 != 0 {
			return nil, malformed("%s: packed floats of %d bytes", w.what, len(b))
		}
		for i := 0; i < len(b); i += 4 {
			dst = append(dst, math.Float32frombits(binary.LittleEndian.Uint32(b[i:])))
		}
		return dst, nil
	}
	return nil, malformed("%s: field %d has wire type %d, want floats", w.what, f, wt)
}

func (w *wire) doubles(dst []float64, f, wt int) ([]float64, error) {
	switch wt {
	case wire64:
		v, err := w.fixed64()
		return append(dst, math.Float64frombits(v)), err
	case wireBytes:
		b, err := w.bytes()
		if err != nil {
			return nil, err
		}
		if len(b)%8 != 0 {
			return nil, malformed("%s: packed doubles of %d bytes", w.what, len(b))
		}
		for i := 0; i < len(b); i += 8 {
			dst = append(dst, math.Float64frombits(binary.LittleEndian.Uint64(b[i:])))
		}
		return dst, nil
	}
	return nil, malformed("%s: field %d has wire type %d, want doubles", w.what, f, wt)
}

// decodeModel parses a serialized ModelProto.
func decodeModel(b []byte) (*modelProto, error) {
	m := &modelProto{Opsets: map[string]int64{}}
	w := &wire{b: b, what: "ModelProto"}
	for !w.done() {
		f, wt, err := w.key()
		if err != nil {
			return nil, err
		}
		switch f {
		case 1:
			m.IRVersion, err = w.int64v(f, wt)
		case 2:
			m.ProducerName, err = w.str(f, wt)
		case 3:
			m.ProducerVersion, err = w.str(f, wt)
		case 7:
			var s *wire
			if s, err = w.sub(f, wt, "GraphProto"); err == nil {
				if m.Graph != nil {
					return nil, malformed("ModelProto: two graphs")
				}
				m.Graph, err = decodeGraph(s)
			}
		case 8:
			var s *wire
			if s, err = w.sub(f, wt, "OperatorSetIdProto"); err == nil {
				err = decodeOpset(s, m.Opsets)
			}
		default:
			err = w.skip(wt)
		}
		if err != nil {
			return nil, err
		}
	}
	if m.Graph == nil {
		return nil, malformed("ModelProto has no graph")
	}
	return m, nil
}

func decodeOpset(w *wire, into map[string]int64) error {
	var domain string
	var version int64
	for !w.done() {
		f, wt, err := w.key()
		if err != nil {
			return err
		}
		switch f {
		case 1:
			domain, err = w.str(f, wt)
		case 2:
			version, err = w.int64v(f, wt)
		default:
			err = w.skip(wt)
		}
		if err != nil {
			return err
		}
	}
	if domain == "ai.onnx" {
		domain = ""
	}
	into[domain] = version
	return nil
}

func decodeGraph(w *wire) (*graphProto, error) {
	g := &graphProto{}
	for !w.done() {
		f, wt, err := w.key()
		if err != nil {
			return nil, err
		}
		var s *wire
		switch f {
		case 1:
			if s, err = w.sub(f, wt, "NodeProto"); err == nil {
				var n *nodeProto
				if n, err = decodeNode(s); err == nil {
					g.Nodes = append(g.Nodes, n)
				}
			}
		case 2:
			g.Name, err = w.str(f, wt)
		case 5:
			if s, err = w.sub(f, wt, "TensorProto"); err == nil {
				var t *tensorProto
				if t, err = decodeTensor(s); err == nil {
					g.Inits = append(g.Inits, t)
				}
			}
		case 11, 12:
			if s, err = w.sub(f, wt, "ValueInfoProto"); err == nil {
				var v *valueInfo
				if v, err = decodeValueInfo(s); err == nil {
					if f == 11 {
						g.Inputs = append(g.Inputs, v)
					} else {
						g.Outputs = append(g.Outputs, v)
					}
				}
			}
		case 15:
			err = malformed("GraphProto: sparse initializers are not supported")
		default:
			err = w.skip(wt)
		}
		if err != nil {
			return nil, err
		}
	}
	return g, nil
}

func decodeNode(w *wire) (*nodeProto, error) {
	n := &nodeProto{}
	for !w.done() {
		f, wt, err := w.key()
		if err != nil {
			return nil, err
		}
		var s string
		switch f {
		case 1:
			if s, err = w.str(f, wt); err == nil {
				n.Inputs = append(n.Inputs, s)
			}
		case 2:
			if s, err = w.str(f, wt); err == nil {
				n.Outputs = append(n.Outputs, s)
			}
		case 3:
			n.Name, err = w.str(f, wt)
		case 4:
			n.OpType, err = w.str(f, wt)
		case 7:
			n.Domain, err = w.str(f, wt)
		case 5:
			var sw *wire
			if sw, err = w.sub(f, wt, "AttributeProto"); err == nil {
				var a *attrProto
				if a, err = decodeAttr(sw); err == nil {
					n.Attrs = append(n.Attrs, a)
				}
			}
		default:
			err = w.skip(wt)
		}
		if err != nil {
			return nil, err
		}
	}
	return n, nil
}

func decodeAttr(w *wire) (*attrProto, error) {
	a := &attrProto{}
	for !w.done() {
		f, wt, err := w.key()
		if err != nil {
			return nil, err
		}
		switch f {
		case 1:
			a.Name, err = w.str(f, wt)
		case 20:
			a.Type, err = w.int64v(f, wt)
		case 2:
			if err = w.want(f, wt, wire32); err == nil {
				var v uint32
				v, err = w.fixed32()
				a.F = math.Float32frombits(v)
			}
		case 3:
			a.I, err = w.int64v(f, wt)
		case 4:
			if err = w.want(f, wt, wireBytes); err == nil {
				a.S, err = w.bytes()
			}
		case 5:
			var s *wire
			if s, err = w.sub(f, wt, "TensorProto"); err == nil {
				a.T, err = decodeTensor(s)
			}
		case 6:
			// Subgraphs (If, Loop, Scan) are not in the op set: note and skip.
			a.hasG = true
			err = w.skip(wt)
		case 7:
			a.Floats, err = w.floats(a.Floats, f, wt)
		case 8:
			a.Ints, err = w.varints(a.Ints, f, wt)
		case 9:
			if err = w.want(f, wt, wireBytes); err == nil {
				var b []byte
				if b, err = w.bytes(); err == nil {
					a.Strings = append(a.Strings, b)
				}
			}
		default:
			err = w.skip(wt)
		}
		if err != nil {
			return nil, err
		}
	}
	return a, nil
}

func decodeTensor(w *wire) (*tensorProto, error) {
	t := &tensorProto{}
	for !w.done() {
		f, wt, err := w.key()
		if err != nil {
			return nil, err
		}
		switch f {
		case 1:
			t.Dims, err = w.varints(t.Dims, f, wt)
		case 2:
			t.DataType, err = w.int64v(f, wt)
		case 4:
			t.Floats, err = w.floats(t.Floats, f, wt)
		case 5:
			t.Int32s, err = w.varints(t.Int32s, f, wt)
		case 7:
			t.Int64s, err = w.varints(t.Int64s, f, wt)
		case 8:
			t.Name, err = w.str(f, wt)
		case 9:
			if err = w.want(f, wt, wireBytes); err == nil {
				t.Raw, err = w.bytes()
				t.hasRaw = true
			}
		case 10:
			t.Doubles, err = w.doubles(t.Doubles, f, wt)
		case 13:
			t.External = true
			err = w.skip(wt)
		case 14:
			var loc int64
			if loc, err = w.int64v(f, wt); err == nil && loc != 0 {
				t.External = true
			}
		case 3:
			err = malformed("TensorProto: segmented tensors are not supported")
		default:
			err = w.skip(wt)
		}
		if err != nil {
			return nil, err
		}
	}
	return t, nil
}

func decodeValueInfo(w *wire) (*valueInfo, error) {
	v := &valueInfo{}
	for !w.done() {
		f, wt, err := w.key()
		if err != nil {
			return nil, err
		}
		switch f {
		case 1:
			v.Name, err = w.str(f, wt)
		case 2:
			var s *wire
			if s, err = w.sub(f, wt, "TypeProto"); err == nil {
				err = decodeType(s, v)
			}
		default:
			err = w.skip(wt)
		}
		if err != nil {
			return nil, err
		}
	}
	return v, nil
}

func decodeType(w *wire, v *valueInfo) error {
	for !w.done() {
		f, wt, err := w.key()
		if err != nil {
			return err
		}
		if f != 1 {
			if err := w.skip(wt); err != nil {
				return err
			}
			continue
		}
		s, err := w.sub(f, wt, "TypeProto.Tensor")
		if err != nil {
			return err
		}
		for !s.done() {
			f, wt, err := s.key()
			if err != nil {
				return err
			}
			switch f {
			case 1:
				v.ElemType, err = s.int64v(f, wt)
			case 2:
				var sh *wire
				if sh, err = s.sub(f, wt, "TensorShapeProto"); err == nil {
					v.HasShape = true
					err = decodeShape(sh, v)
				}
			default:
				err = s.skip(wt)
			}
			if err != nil {
				return err
			}
		}
	}
	return nil
}

func decodeShape(w *wire, v *valueInfo) error {
	for !w.done() {
		f, wt, err := w.key()
		if err != nil {
			return err
		}
		if f != 1 {
			if err := w.skip(wt); err != nil {
				return err
			}
			continue
		}
		s, err := w.sub(f, wt, "TensorShapeProto.Dimension")
		if err != nil {
			return err
		}
		var d dim
		for !s.done() {
			f, wt, err := s.key()
			if err != nil {
				return err
			}
			switch f {
			case 1:
				d.Value, err = s.int64v(f, wt)
				d.Known = true
			case 2:
				d.Param, err = s.str(f, wt)
			default:
				err = s.skip(wt)
			}
			if err != nil {
				return err
			}
		}
		v.Dims = append(v.Dims, d)
	}
	return nil
}
