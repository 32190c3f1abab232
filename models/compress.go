package models

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/edgerun/edgerun/quant"
	"github.com/edgerun/edgerun/runtime"
)

// Compress rewrites a model's dense layers with the encodings a policy
// chooses (the weight tensor's name is what policy patterns match). Each
// chosen layer becomes a dense_encoded node whose parts are stored as
// "<weight>/<part>"; layers the policy leaves at f32, and every other
// tensor, are copied unchanged. progress, when set, is called after each
// layer.
func Compress(m *runtime.Model, p quant.Policy, progress func(done, total int)) (*runtime.File, quant.Report, error) {
	g := *m.Graph()
	g.Nodes = append([]runtime.Node(nil), g.Nodes...)
	f := &runtime.File{Graph: &g, Tensors: map[string]*runtime.Tensor{}, Metadata: map[string]string{}}
	for _, k := range m.MetadataKeys() {
		switch k {
		case runtime.MetaFormat, runtime.MetaFormatVersion, runtime.MetaGraph, runtime.MetaChecksum:
			continue
		}
		f.Metadata[k] = m.Metadata(k)
	}
	for _, name := range m.TensorNames() {
		if !strings.HasPrefix(name, "__") {
			f.Tensors[name] = m.Tensor(name)
		}
	}

	type job struct {
		node  int
		layer quant.Layer
	}
	var jobs []job
	uses := map[string]int{}
	for _, n := range g.Nodes {
		for _, in := range n.Inputs {
			uses[in]++
		}
	}
	for i, n := range g.Nodes {
		if n.Op != "dense" || len(n.Inputs) < 2 {
			continue
		}
		w := m.Tensor(n.Inputs[1])
		if w == nil || w.DType() != runtime.F32 || len(w.Shape()) != 2 {
			continue
		}
		jobs = append(jobs, job{i, quant.Layer{Name: n.Inputs[1], Rows: w.Shape()[0], Cols: w.Shape()[1], W: w.F32()}})
	}
	var rep quant.Report
	for k, j := range jobs {
		spec := p.Choose(j.layer.Name, j.layer.Rows, j.layer.Cols)
		mat, err := spec.Encode(j.layer.W, j.layer.Rows, j.layer.Cols)
		if err != nil {
			return nil, rep, fmt.Errorf("layer %q: %w", j.layer.Name, err)
		}
		rel, maxAbs := quant.Error(mat, j.layer.W)
		rep.Layers = append(rep.Layers, quant.LayerReport{Name: j.layer.Name, Encoding: spec.String(),
			Rows: j.layer.Rows, Cols: j.layer.Cols, RelError: rel, MaxAbsError: maxAbs,
			BitsPerWeight: quant.BitsPerWeight(mat), Bytes: mat.Bytes(), DenseBytes: 4 * j.layer.Rows * j.layer.Cols})
		if spec.Kind != "f32" {
			if err := replaceDense(f, &g.Nodes[j.node], mat, uses); err != nil {
				return nil, rep, fmt.Errorf("layer %q: %w", j.layer.Name, err)
			}
		}
		if progress != nil {
			progress(k+1, len(jobs))
		}
	}
	for _, l := range rep.Layers {
		rep.Bytes += l.Bytes
		rep.DenseBytes += l.DenseBytes
	}
	if rep.Bytes > 0 {
		rep.Ratio = float64(rep.DenseBytes) / float64(rep.Bytes)
	}
	return f, rep, nil
}

// replaceDense turns node n into a dense_encoded node over mat's parts.
func replaceDense(f *runtime.File, n *runtime.Node, mat quant.Matrix, uses map[string]int) error {
	s, err := quant.Store(mat)
	if err != nil {
		return err
	}
	wname := n.Inputs[1]
	inputs := []string{n.Inputs[0]}
	var parts []string
	for _, p := range s.Parts {
		t, err := partTensor(p.Data, s.Encoding == "bf16")
		if err != nil {
			return err
		}
		name := wname + "/" + p.Name
		if _, taken := f.Tensors[name]; taken {
			return fmt.Errorf("tensor name %q already in use", name)
		}
		f.Tensors[name] = t
		inputs = append(inputs, name)
		parts = append(parts, p.Name)
	}
	if len(n.Inputs) > 2 && n.Inputs[2] != "" {
		inputs = append(inputs, n.Inputs[2])
	}
	attrs, err := json.Marshal(map[string]any{"encoding": s.Encoding, "rows": s.Rows, "cols": s.Cols, "params": s.Params, "parts": parts})
	if err != nil {
		return err
	}
	if uses[wname]--; uses[wname] == 0 {
		delete(f.Tensors, wname)
	}
	n.Op, n.Inputs, n.Attrs = "dense_encoded", inputs, attrs
	return nil
}

// partTensor copies a part into a tensor; 16-bit parts are f16 scales or
// weights except in the bf16 encoding.
func partTensor(data any, bf16 bool) (*runtime.Tensor, error) {
	switch d := data.(type) {
	case []float32:
		return runtime.F32Tensor(d, len(d))
	case []int8:
		t, err := runtime.NewTensor(runtime.S8, len(d))
		if err == nil {
			copy(t.S8(), d)
		}
		return t, err
	case []uint8:
		t, err := runtime.NewTensor(runtime.U8, len(d))
		if err == nil {
			copy(t.U8(), d)
		}
		return t, err
	case []uint16:
		dt := runtime.F16
		if bf16 {
			dt = runtime.BF16
		}
		t, err := runtime.NewTensor(dt, len(d))
		if err == nil {
			copy(t.U16(), d)
		}
		return t, err
	}
	return nil, fmt.Errorf("part of type %T", data)
}
