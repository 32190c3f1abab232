package runtime

import "fmt"

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
		a, sh := bnCoefficients(bn.attrs.(*bnAttrs).Epsilon, params[0].F32(), params[1].F32(), params[2].F32(), params[3].F32())
		nw, _ := NewTensor(F32, w.shape...)
		nb, _ := NewTensor(F32, cout)
		per := w.Len() / max(cout, 1)
		wv, nwv, nbv := w.F32(), nw.F32(), nb.F32()
		for c := 0; c < cout; c++ {
			for k := c * per; k < (c+1)*per; k++ {
				nwv[k] = wv[k] * a[c]
			}
			bias := float32(0)
			if b != nil {
				bias = b.F32()[c]
			}
			nbv[c] = bias*a[c] + sh[c]
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
