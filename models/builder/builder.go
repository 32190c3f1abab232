// Package builder turns imported weights into edgerun deployment files: the
// WaLLoC encoder and decoder graphs of an imported checkpoint, and the
// pre-trained Fashion-MNIST pipeline (codec encoder + latent classifier in
// one file, the pixel baseline, the autoencoder + k-means clustering).
//
// Every builder returns a runtime.File; write it with File.WriteFile and run
// it with runtime.Open and a Session.
package builder

import (
	"encoding/json"
	"fmt"

	"github.com/edgerun/edgerun/runtime"
)

// graph accumulates nodes and initializers; the first error sticks so that
// builders read as straight-line code.
type graph struct {
	g       runtime.Graph
	tensors map[string]*runtime.Tensor
	err     error
}

func newGraph() *graph { return &graph{tensors: map[string]*runtime.Tensor{}} }

func (b *graph) input(name string, dt runtime.DType, shape ...int) string {
	b.g.Inputs = append(b.g.Inputs, runtime.ValueInfo{Name: name, DType: dt, Shape: append(runtime.Dims{runtime.Batch}, shape...)})
	return name
}

func (b *graph) output(name string) { b.g.Outputs = append(b.g.Outputs, runtime.ValueInfo{Name: name}) }

// node appends one operation with a single output named out.
func (b *graph) node(op, out string, attrs map[string]any, in ...string) string {
	var raw json.RawMessage
	if attrs != nil {
		j, err := json.Marshal(attrs)
		if err != nil && b.err == nil {
			b.err = err
		}
		raw = j
	}
	b.g.Nodes = append(b.g.Nodes, runtime.Node{Name: out, Op: op, Inputs: in, Outputs: []string{out}, Attrs: raw})
	return out
}

// f32 adds a float32 initializer (copied).
func (b *graph) f32(name string, v []float32, shape ...int) string {
	t, err := runtime.F32Tensor(v, shape...)
	if err != nil && b.err == nil {
		b.err = fmt.Errorf("tensor %s: %w", name, err)
	}
	b.tensors[name] = t
	return name
}

// tensor adds an initializer built elsewhere.
func (b *graph) tensor(name string, t *runtime.Tensor) string {
	b.tensors[name] = t
	return name
}

func (b *graph) file(meta map[string]string) (*runtime.File, error) {
	if b.err != nil {
		return nil, b.err
	}
	g := b.g
	return &runtime.File{Graph: &g, Tensors: b.tensors, Metadata: meta}, nil
}
