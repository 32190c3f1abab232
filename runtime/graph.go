package runtime

import (
	"encoding/json"
	"fmt"
)

// Graph is the computation stored in a model file's metadata (key "graph",
// as JSON). Values are named: a node input names a graph input, a tensor of
// the file (an initializer) or an output of another node. An empty input
// name marks an optional input that is absent (a convolution without bias).
type Graph struct {
	Inputs  []ValueInfo `json:"inputs"`
	Outputs []ValueInfo `json:"outputs"`
	Nodes   []Node      `json:"nodes"`
	// Tensors gives, for initializers stored in an encoding other than
	// their plain dtype, the encoding name and its parameters. Plain
	// tensors need no entry.
	Tensors map[string]TensorInfo `json:"tensors,omitempty"`
}

// ValueInfo names a graph input or output with its element type and shape.
// Dimension 0 may be -1 (written -1 or "N" in JSON): the batch size, fixed
// when a session is created. For outputs DType and Shape are optional;
// when given they are checked against shape inference.
type ValueInfo struct {
	Name  string `json:"name"`
	DType DType  `json:"dtype,omitzero"`
	Shape Dims   `json:"shape,omitempty"`
}

// Node is one operation: Op names an entry of the op set, Attrs holds its
// attributes as a JSON object.
type Node struct {
	Name    string          `json:"name"`
	Op      string          `json:"op"`
	Inputs  []string        `json:"inputs"`
	Outputs []string        `json:"outputs"`
	Attrs   json.RawMessage `json:"attrs,omitempty"`
}

// TensorInfo describes how an initializer's bytes encode its values.
type TensorInfo struct {
	Encoding string          `json:"encoding"`
	Params   json.RawMessage `json:"params,omitempty"`
}

// Dims is a shape in which dimension 0 may be -1, the batch dimension.
type Dims []int

// Batch is the value of a dynamic batch dimension in Dims.
const Batch = -1

// UnmarshalJSON accepts integers and the string "N" for the batch dimension.
func (d *Dims) UnmarshalJSON(b []byte) error {
	var raw []json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	out := make(Dims, len(raw))
	for i, r := range raw {
		if string(r) == `"N"` {
			out[i] = Batch
			continue
		}
		var v int
		if err := json.Unmarshal(r, &v); err != nil {
			return fmt.Errorf("dimension %d: %s is not an integer or \"N\"", i, r)
		}
		out[i] = v
	}
	*d = out
	return nil
}

// resolve substitutes batch for a dynamic dimension 0 and checks the rest.
func (d Dims) resolve(batch int) ([]int, error) {
	s := make([]int, len(d))
	for i, v := range d {
		switch {
		case v == Batch && i == 0:
			s[i] = batch
		case v < 0:
			return nil, fmt.Errorf("dimension %d is %d (only dimension 0 may be -1)", i, v)
		default:
			s[i] = v
		}
	}
	if _, err := numElements(s); err != nil {
		return nil, err
	}
	return s, nil
}

// dynamic reports whether dimension 0 is the batch dimension.
func (d Dims) dynamic() bool { return len(d) > 0 && d[0] == Batch }
