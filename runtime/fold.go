package runtime

import (
	"fmt"

	"github.com/edgerun/edgerun/runtime/internal/kern"
)

// foldBatchNorms rewrites conv/dense → batchnorm pairs into one conv/dense
// with scaled weights and shifted bias, when the conv's output feeds only
// the batchnorm and every parameter is an F32 initializer. The folded
// weights are new memory: the mapped file is never written.
func (m *Model) foldBatchNorms() error {
	uses := m.consumers()
	keep := m.nodes[:0:0]
	removed := make([]bool, len(m.nodes))
	for i := range m.nodes {
		bn := &m.nodes[i]
		if bn.op != "batchnorm" {
			continue
		}
		src := bn.in[0]
		if m.values[src].kind != kindNode || uses[src] != 1 {
			continue
		}
		pi := m.values[src].producer
		p := &m.nodes[pi]
		if p.op != "conv1d" && p.op != "conv2d" && p.op != "dense" {
			continue
		}
		params := make([]*Tensor, 4)
		ok := true
		for j := range params {
			params[j] = m.initF32(bn.in[1+j])
			ok = ok && params[j] != nil
		}
		w := m.initF32(p.in[1])
		var b *Tensor
		if len(p.in) > 2 && p.in[2] >= 0 {
			b = m.initF32(p.in[2])
			ok = ok && b != nil
		}
		if !ok || w == nil || len(w.shape) < 2 {
			continue
		}
		cout := w.shape[0]
		for _, t := range params {
			if len(t.shape) != 1 || t.shape[0] != cout {
				return corrupt("node %q (batchnorm): parameter shape %v does not match %d channels of %q", bn.name, t.shape, cout, p.name)
			}
		}
		if b != nil && (len(b.shape) != 1 || b.shape[0] != cout) {
			return corrupt("node %q: bias shape %v, want [%d]", p.name, b.shape, cout)
		}
		// Fold into copies: the mapped file is read-only.
		nw, _ := NewTensor(F32, w.shape...)
		nb, _ := NewTensor(F32, cout)
		copy(nw.F32(), w.F32())
		if b != nil {
			copy(nb.F32(), b.F32())
		}
		eps := float32(bn.attrs.(*epsAttrs).Epsilon)
		if err := kern.FoldBatchNorm(nw.F32(), nb.F32(), cout, params[2].F32(), params[3].F32(), params[0].F32(), params[1].F32(), eps); err != nil {
			return corrupt("node %q (batchnorm): %v", bn.name, err)
		}
		wid := m.addInit(fmt.Sprintf("%s.folded_weight", p.name), nw)
		bid := m.addInit(fmt.Sprintf("%s.folded_bias", p.name), nb)
		p.in = append(p.in[:1:1], wid, bid)
		// The conv now writes the batchnorm's output directly.
		p.out[0] = bn.out[0]
		m.values[bn.out[0]].producer = pi
		removed[i] = true
		m.folded++
	}
	if m.folded == 0 {
		return nil
	}
	for i := range m.nodes {
		if !removed[i] {
			keep = append(keep, m.nodes[i])
		}
	}
	m.nodes = keep
	for i := range m.nodes {
		for _, o := range m.nodes[i].out {
			m.values[o].producer = i
		}
	}
	return nil
}

// initF32 returns the F32 initializer behind value id, or nil.
func (m *Model) initF32(id int) *Tensor {
	if id < 0 || m.values[id].kind != kindInit || m.values[id].init.dtype != F32 {
		return nil
	}
	return m.values[id].init
}

// addInit adds an initializer made at load (not in the file).
func (m *Model) addInit(name string, t *Tensor) int {
	for {
		if _, dup := m.valueID[name]; !dup {
			break
		}
		name += "'"
	}
	id := len(m.values)
	m.valueID[name] = id
	m.values = append(m.values, value{name: name, kind: kindInit, init: t})
	m.tensors[name] = t
	return id
}
