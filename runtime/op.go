package runtime

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
)

// ValueType is the element type and shape of a value in the graph.
type ValueType struct {
	DType DType
	Shape []int
	// init is the initializer behind the value, if it is one: ops may
	// check constant data (quantisation multipliers, say) at load.
	init *Tensor
}

// String formats the type as, e.g., "F32[1 3 32 32]".
func (v ValueType) String() string { return fmt.Sprintf("%s%v", v.DType, v.Shape) }

// opDef is one entry of the op set. Everything that depends on attributes
// or shapes happens before Run: parse at load, infer at load and at session
// creation, prepare at session creation. prepare returns a closure over the
// session's tensors, so running a node is one indirect call with no lookups
// and no allocation.
type opDef struct {
	name         string
	minIn, maxIn int // inputs; optional trailing inputs may be absent ("")
	nOut         int
	// view marks ops whose output has the bytes of input 0 under another
	// shape; the planner lets them share one buffer.
	view bool
	// parse decodes and validates the node's attributes (may be empty).
	parse func(raw json.RawMessage) (any, error)
	// infer gives the output types; absent optional inputs have DType
	// DTypeInvalid. Errors need not name the node: the caller does.
	infer func(attrs any, in []ValueType) ([]ValueType, error)
	// scratch, when set, gives the float32 working memory one run of the
	// node needs with the given number of threads; the planner places it
	// in the arena, live only while the node runs.
	scratch func(attrs any, in []ValueType, threads int) int
	// prepare binds the op to concrete tensors (absent inputs are nil).
	prepare func(attrs any, in, out []*Tensor, env *env) (func(), error)
}

// env is what prepare may use besides the tensors: the session's worker
// pool for splitting large ops across threads, and the node's scratch.
type env struct {
	pool    *workerPool
	threads int
	scratch []float32
	// constIn marks the inputs that are initializers: constant for the
	// model's life, so an op may repack them once for its kernels.
	constIn []bool
	// relu tells the node to apply a ReLU to its output, reluIn a
	// convolution to rectify its input as it copies it: a ReLU folded into
	// it (see Model.reluFolds). Only the ops reluFolds picks see them.
	relu, reluIn bool
	// maxPool2 tells a convolution that its output is that of the 2×2
	// max pool at stride 2 reading it (see Model.poolFolds), rectified
	// when relu is set.
	maxPool2 bool
	// roundS8 tells companding that its output is that of the round_s8
	// reading it (see Model.codecFolds): the I8 latents.
	roundS8 bool
	// project holds the weights and bias (nil for none) of the 1×1
	// convolution reading a packet transform, whose output the transform
	// writes instead of its coefficients (see Model.codecFolds).
	project []*Tensor
}

var opSet = map[string]*opDef{}

// register adds an op; ops register from package-level variable
// initialisers or init functions of the files that define them.
func register(d *opDef) {
	if _, dup := opSet[d.name]; dup {
		panic("runtime: op " + d.name + " registered twice")
	}
	if d.parse == nil {
		d.parse = noAttrs
	}
	opSet[d.name] = d
}

// Ops lists the names of the op set, sorted.
func Ops() []string {
	names := make([]string, 0, len(opSet))
	for n := range opSet {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// validator is implemented by attribute structs that check themselves.
type validator interface{ validate() error }

// attrParser returns a parse function decoding attributes into a copy of
// def, rejecting unknown keys so a typo is an error, not a default.
func attrParser[T any](def T) func(json.RawMessage) (any, error) {
	return func(raw json.RawMessage) (any, error) {
		a := new(T)
		*a = def
		if len(bytes.TrimSpace(raw)) != 0 && string(bytes.TrimSpace(raw)) != "null" {
			dec := json.NewDecoder(bytes.NewReader(raw))
			dec.DisallowUnknownFields()
			if err := dec.Decode(a); err != nil {
				return nil, fmt.Errorf("attributes: %v", err)
			}
			if dec.More() {
				return nil, fmt.Errorf("attributes: trailing data")
			}
		}
		if v, ok := any(a).(validator); ok {
			if err := v.validate(); err != nil {
				return nil, fmt.Errorf("attributes: %v", err)
			}
		}
		return a, nil
	}
}

var noAttrs = attrParser(struct{}{})

// ints is an attribute that is an integer or a list of integers.
type ints []int

func (v *ints) UnmarshalJSON(b []byte) error {
	var one int
	if err := json.Unmarshal(b, &one); err == nil {
		*v = ints{one}
		return nil
	}
	var many []int
	if err := json.Unmarshal(b, &many); err != nil {
		return fmt.Errorf("%s is not an integer or a list of integers", b)
	}
	*v = many
	return nil
}

// expand returns v as n values: one value repeats, n values stay.
func (v ints) expand(n int, what string) ([]int, error) {
	switch len(v) {
	case 1:
		out := make([]int, n)
		for i := range out {
			out[i] = v[0]
		}
		return out, nil
	case n:
		return append([]int(nil), v...), nil
	}
	return nil, fmt.Errorf("%s has %d values, want 1 or %d", what, len(v), n)
}

func checkDType(in []ValueType, want DType, idx ...int) error {
	for _, i := range idx {
		if i < len(in) && in[i].DType != DTypeInvalid && in[i].DType != want {
			return fmt.Errorf("input %d is %s, want %s", i, in[i].DType, want)
		}
	}
	return nil
}

func allF32(in []ValueType) error {
	for i := range in {
		if in[i].DType != DTypeInvalid && in[i].DType != F32 {
			return fmt.Errorf("input %d is %s, want F32", i, in[i].DType)
		}
	}
	return nil
}

func prod(s []int) int {
	n := 1
	for _, d := range s {
		n *= d
	}
	return n
}

// normAxis maps a possibly negative axis onto [0, rank).
func normAxis(axis, rank int) (int, error) {
	if axis < 0 {
		axis += rank
	}
	if axis < 0 || axis >= rank {
		return 0, fmt.Errorf("axis %d out of range for rank %d", axis, rank)
	}
	return axis, nil
}

// vt is shorthand for an output ValueType, checking the element count.
func vt(dt DType, shape ...int) ([]ValueType, error) {
	if _, err := numElements(shape); err != nil {
		return nil, err
	}
	return []ValueType{{DType: dt, Shape: shape}}, nil
}
