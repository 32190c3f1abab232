package runtime

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"sync"
	"unsafe"
)

// Model is an opened, fully validated deployment file. It is immutable and
// safe for concurrent use: create one Session per goroutine.
type Model struct {
	c       *container
	unmap   func() error
	mapped  bool
	tensors map[string]*Tensor // initializers, including folded ones
	graph   Graph              // as stored in the file

	values  []value
	valueID map[string]int
	nodes   []cnode // topological order, batchnorm folded
	inputs  []int
	outputs []int
	folded  int

	mu       sync.Mutex
	verified bool
	sessions int
	closing  bool
	closed   bool
}

type valueKind uint8

const (
	kindInput valueKind = iota
	kindInit
	kindNode
)

type value struct {
	name     string
	kind     valueKind
	init     *Tensor   // kindInit
	dims     Dims      // kindInput: declared shape
	dtype    DType     // kindInput: declared type
	declared ValueInfo // graph outputs: declared type, if any
	producer int       // kindNode: index into nodes
	typ      ValueType // at batch 1, from load-time inference
}

type cnode struct {
	name  string
	op    string
	def   *opDef
	attrs any
	in    []int // -1 for an absent optional input
	out   []int
}

// Option configures Open.
type Option func(*openConfig)

type openConfig struct {
	deferChecksum bool
	noMmap        bool
}

// WithDeferredChecksum skips hashing the file at open, so a large model
// loads in the time it takes to map it and check its header. Structural
// validation still happens in full; call Model.VerifyChecksum later (from
// a background goroutine, say) to check the bytes.
func WithDeferredChecksum() Option { return func(c *openConfig) { c.deferChecksum = true } }

// WithoutMmap reads the file into memory instead of mapping it.
func WithoutMmap() Option { return func(c *openConfig) { c.noMmap = true } }

// Open maps and validates a model file. Every error about the file's
// content wraps ErrCorruptModel.
func Open(path string, opts ...Option) (*Model, error) {
	var cfg openConfig
	for _, o := range opts {
		o(&cfg)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	size := st.Size()
	if size < 8 {
		return nil, corrupt("file is %d bytes, shorter than the 8-byte header length", size)
	}
	if int64(int(size)) != size || size > 1<<62 {
		return nil, fmt.Errorf("runtime: %s: %d bytes do not fit in memory", path, size)
	}
	var data []byte
	var unmap func() error
	mapped := false
	if !cfg.noMmap {
		if b, u, err := mmapFile(f, int(size)); err == nil {
			data, unmap, mapped = b, u, true
		}
	}
	if data == nil {
		data = alignedBytes(int(size))
		if _, err := io.ReadFull(f, data); err != nil {
			return nil, fmt.Errorf("runtime: reading %s: %w", path, err)
		}
	}
	m, err := load(data, &cfg)
	if err != nil {
		if unmap != nil {
			unmap()
		}
		return nil, err
	}
	m.unmap, m.mapped = unmap, mapped
	return m, nil
}

// OpenBytes validates a model held in memory (embedded in the binary, for
// instance) and uses it in place when it is Alignment-aligned, else a copy.
// The caller must not modify b while the model is in use.
func OpenBytes(b []byte, opts ...Option) (*Model, error) {
	var cfg openConfig
	for _, o := range opts {
		o(&cfg)
	}
	if len(b) > 0 && uintptr(unsafe.Pointer(&b[0]))%Alignment != 0 {
		c := alignedBytes(len(b))
		copy(c, b)
		b = c
	}
	return load(b, &cfg)
}

func load(data []byte, cfg *openConfig) (*Model, error) {
	c, err := parseContainer(data)
	if err != nil {
		return nil, err
	}
	m := &Model{c: c, tensors: make(map[string]*Tensor, len(c.tensors))}
	for i := range c.tensors {
		m.tensors[c.tensors[i].name] = c.tensor(&c.tensors[i])
	}
	if !cfg.deferChecksum {
		if err := c.verifyChecksum(); err != nil {
			return nil, err
		}
		m.verified = true
	}
	dec := json.NewDecoder(strings.NewReader(c.meta[MetaGraph]))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m.graph); err != nil {
		return nil, corrupt("graph: %v", err)
	}
	if err := m.compile(); err != nil {
		return nil, err
	}
	return m, nil
}

// VerifyChecksum hashes the file and compares it with its checksum; with
// WithDeferredChecksum this is the check Open skipped. It is safe to call
// concurrently with running sessions.
func (m *Model) VerifyChecksum() error {
	m.mu.Lock()
	done, closed := m.verified, m.closed
	if !done && !closed {
		// Hold the mapping like a session while hashing it.
		m.sessions++
	}
	m.mu.Unlock()
	if done {
		return nil
	}
	if closed {
		return errClosed
	}
	err := m.c.verifyChecksum()
	m.releaseSession()
	if err != nil {
		return err
	}
	m.mu.Lock()
	m.verified = true
	m.mu.Unlock()
	return nil
}

// Close releases the mapping. Sessions still open keep the model usable;
// the mapping goes when the last of them is closed.
func (m *Model) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closing = true
	if m.sessions > 0 || m.closed {
		return nil
	}
	return m.release()
}

func (m *Model) release() error {
	m.closed = true
	if m.unmap != nil {
		return m.unmap()
	}
	return nil
}

// Metadata returns a metadata value of the file (provenance, say).
func (m *Model) Metadata(key string) string { return m.c.meta[key] }

// MetadataKeys returns the file's metadata keys, sorted.
func (m *Model) MetadataKeys() []string {
	keys := make([]string, 0, len(m.c.meta))
	for k := range m.c.meta {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Graph returns the graph as stored in the file (before folding).
func (m *Model) Graph() *Graph { return &m.graph }

// Tensor returns an initializer by name, nil if there is none. The data
// is read-only: it may be the mapped file.
func (m *Model) Tensor(name string) *Tensor { return m.tensors[name] }

// TensorNames returns the names of the file's tensors, sorted.
func (m *Model) TensorNames() []string {
	names := make([]string, len(m.c.tensors))
	for i := range m.c.tensors {
		names[i] = m.c.tensors[i].name
	}
	sort.Strings(names)
	return names
}

// WeightsBytes returns the size of the data section.
func (m *Model) WeightsBytes() int64 { return int64(len(m.c.data)) - m.c.dataOff }

// Mapped reports whether the file is memory-mapped (false: read into memory).
func (m *Model) Mapped() bool { return m.mapped }

// FoldedBatchNorms returns how many batchnorm nodes were folded into the
// preceding convolution or dense layer at load.
func (m *Model) FoldedBatchNorms() int { return m.folded }

// Inputs returns the graph inputs (shapes as declared, -1 for the batch).
func (m *Model) Inputs() []ValueInfo { return m.graph.Inputs }

// Outputs returns the graph outputs with their inferred types at batch 1.
func (m *Model) Outputs() []ValueInfo {
	out := make([]ValueInfo, len(m.outputs))
	for i, id := range m.outputs {
		v := &m.values[id]
		out[i] = ValueInfo{Name: v.name, DType: v.typ.DType, Shape: Dims(v.typ.Shape)}
	}
	return out
}

// compile resolves names, checks ops and attributes, orders the nodes,
// folds batchnorms and infers every shape at batch 1.
func (m *Model) compile() error {
	g := &m.graph
	for name, ti := range g.Tensors {
		if m.tensors[name] == nil {
			return corrupt("graph tensor info names %q, which is not a tensor of the file", name)
		}
		if ti.Encoding != "" {
			return corrupt("tensor %q: unknown encoding %q", name, ti.Encoding)
		}
	}
	m.valueID = map[string]int{}
	add := func(v value) error {
		if v.name == "" || strings.HasPrefix(v.name, "__") {
			return fmt.Errorf("invalid value name %q", v.name)
		}
		if _, dup := m.valueID[v.name]; dup {
			return fmt.Errorf("value %q is defined twice", v.name)
		}
		m.valueID[v.name] = len(m.values)
		m.values = append(m.values, v)
		return nil
	}
	if len(g.Inputs) == 0 || len(g.Outputs) == 0 {
		return corrupt("graph has %d inputs and %d outputs; it needs at least one of each", len(g.Inputs), len(g.Outputs))
	}
	for _, in := range g.Inputs {
		if !in.DType.Valid() {
			return corrupt("graph input %q has no valid dtype", in.Name)
		}
		if _, err := in.Shape.resolve(1); err != nil {
			return corrupt("graph input %q: %v", in.Name, err)
		}
		if err := add(value{name: in.Name, kind: kindInput, dims: in.Shape, dtype: in.DType}); err != nil {
			return corrupt("graph input: %v", err)
		}
		m.inputs = append(m.inputs, m.valueID[in.Name])
	}
	names := make([]string, 0, len(m.tensors))
	for n := range m.tensors {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if err := add(value{name: n, kind: kindInit, init: m.tensors[n]}); err != nil {
			return corrupt("tensor %q: %v", n, err)
		}
	}
	nodes := make([]cnode, len(g.Nodes))
	nodeNames := map[string]bool{}
	for i := range g.Nodes {
		gn := &g.Nodes[i]
		if gn.Name == "" || nodeNames[gn.Name] {
			return corrupt("node %d: name %q is empty or not unique", i, gn.Name)
		}
		nodeNames[gn.Name] = true
		def := opSet[gn.Op]
		if def == nil {
			return corrupt("node %q: unknown op %q", gn.Name, gn.Op)
		}
		if len(gn.Inputs) < def.minIn || len(gn.Inputs) > def.maxIn {
			return corrupt("node %q (%s): %d inputs, want %d to %d", gn.Name, gn.Op, len(gn.Inputs), def.minIn, def.maxIn)
		}
		if len(gn.Outputs) != def.nOut {
			return corrupt("node %q (%s): %d outputs, want %d", gn.Name, gn.Op, len(gn.Outputs), def.nOut)
		}
		attrs, err := def.parse(gn.Attrs)
		if err != nil {
			return corrupt("node %q (%s): %v", gn.Name, gn.Op, err)
		}
		nodes[i] = cnode{name: gn.Name, op: gn.Op, def: def, attrs: attrs}
		for _, o := range gn.Outputs {
			if err := add(value{name: o, kind: kindNode, producer: i}); err != nil {
				return corrupt("node %q output: %v", gn.Name, err)
			}
			nodes[i].out = append(nodes[i].out, m.valueID[o])
		}
	}
	for i := range g.Nodes {
		gn := &g.Nodes[i]
		for j, in := range gn.Inputs {
			if in == "" {
				if j < nodes[i].def.minIn {
					return corrupt("node %q (%s): required input %d is empty", gn.Name, gn.Op, j)
				}
				nodes[i].in = append(nodes[i].in, -1)
				continue
			}
			id, ok := m.valueID[in]
			if !ok {
				return corrupt("node %q (%s): input %q is missing: no graph input, tensor or node output has that name", gn.Name, gn.Op, in)
			}
			nodes[i].in = append(nodes[i].in, id)
		}
	}
	order, err := topoSort(nodes, m.values)
	if err != nil {
		return err
	}
	m.nodes = make([]cnode, len(order))
	for i, idx := range order {
		m.nodes[i] = nodes[idx]
		for _, o := range m.nodes[i].out {
			m.values[o].producer = i
		}
	}
	for _, out := range g.Outputs {
		id, ok := m.valueID[out.Name]
		if !ok || m.values[id].kind != kindNode {
			return corrupt("graph output %q is not the output of a node", out.Name)
		}
		for _, prev := range m.outputs {
			if prev == id {
				return corrupt("graph output %q is listed twice", out.Name)
			}
		}
		m.values[id].declared = out
		m.outputs = append(m.outputs, id)
	}
	if err := m.foldBatchNorms(); err != nil {
		return err
	}
	types, err := m.infer(1)
	if err != nil {
		return err
	}
	for i := range m.values {
		m.values[i].typ = types[i]
	}
	return nil
}

// topoSort orders nodes so each comes after the producers of its inputs
// (Kahn's algorithm, stable in file order) and names the nodes of a cycle.
func topoSort(nodes []cnode, values []value) ([]int, error) {
	indeg := make([]int, len(nodes))
	users := make([][]int, len(nodes))
	for i := range nodes {
		for _, in := range nodes[i].in {
			if in >= 0 && values[in].kind == kindNode {
				p := values[in].producer
				indeg[i]++
				users[p] = append(users[p], i)
			}
		}
	}
	var ready, order []int
	for i := range nodes {
		if indeg[i] == 0 {
			ready = append(ready, i)
		}
	}
	for len(ready) > 0 {
		sort.Ints(ready)
		n := ready[0]
		ready = ready[1:]
		order = append(order, n)
		for _, u := range users[n] {
			if indeg[u]--; indeg[u] == 0 {
				ready = append(ready, u)
			}
		}
	}
	if len(order) != len(nodes) {
		// Nodes left with inputs pending are on a cycle or downstream of
		// one; peel off those that feed no other pending node to name
		// only the cycle.
		onCycle := make([]bool, len(nodes))
		for i := range nodes {
			onCycle[i] = indeg[i] > 0
		}
		for changed := true; changed; {
			changed = false
			for i := range nodes {
				if !onCycle[i] {
					continue
				}
				feeds := false
				for _, u := range users[i] {
					feeds = feeds || onCycle[u]
				}
				if !feeds {
					onCycle[i], changed = false, true
				}
			}
		}
		var stuck []string
		for i := range nodes {
			if onCycle[i] {
				stuck = append(stuck, fmt.Sprintf("%q", nodes[i].name))
			}
		}
		if len(stuck) > 8 {
			stuck = append(stuck[:8], "...")
		}
		return nil, corrupt("graph has a cycle through nodes %s", strings.Join(stuck, ", "))
	}
	return order, nil
}

// infer computes every value's type for the given batch size.
func (m *Model) infer(batch int) ([]ValueType, error) {
	types := make([]ValueType, len(m.values))
	for i := range m.values {
		v := &m.values[i]
		switch v.kind {
		case kindInput:
			s, err := v.dims.resolve(batch)
			if err != nil {
				return nil, corrupt("graph input %q: %v", v.name, err)
			}
			types[i] = ValueType{DType: v.dtype, Shape: s}
		case kindInit:
			types[i] = ValueType{DType: v.init.dtype, Shape: v.init.shape, init: v.init}
		}
	}
	in := make([]ValueType, 0, 8)
	for i := range m.nodes {
		n := &m.nodes[i]
		in = in[:0]
		for _, id := range n.in {
			if id < 0 {
				in = append(in, ValueType{})
			} else {
				in = append(in, types[id])
			}
		}
		outs, err := n.def.infer(n.attrs, in)
		if err != nil {
			return nil, corrupt("node %q (%s): %v", n.name, n.op, err)
		}
		if len(outs) != len(n.out) {
			return nil, corrupt("node %q (%s): inferred %d outputs, want %d", n.name, n.op, len(outs), len(n.out))
		}
		for j, id := range n.out {
			if _, err := numElements(outs[j].Shape); err != nil {
				return nil, corrupt("node %q (%s): output %q: %v", n.name, n.op, m.values[id].name, err)
			}
			types[id] = outs[j]
		}
	}
	for _, id := range m.outputs {
		v := &m.values[id]
		d := v.declared
		if d.DType != DTypeInvalid && d.DType != types[id].DType {
			return nil, corrupt("graph output %q is declared %s but inferred %s", v.name, d.DType, types[id].DType)
		}
		if d.Shape != nil {
			s, err := d.Shape.resolve(batch)
			if err != nil || !shapeEqual(s, types[id].Shape) {
				return nil, corrupt("graph output %q is declared %v but inferred %v", v.name, []int(d.Shape), types[id].Shape)
			}
		}
	}
	return types, nil
}

// consumers counts the nodes reading each value.
func (m *Model) consumers() []int {
	c := make([]int, len(m.values))
	for i := range m.nodes {
		for _, in := range m.nodes[i].in {
			if in >= 0 {
				c[in]++
			}
		}
	}
	for _, o := range m.outputs {
		c[o]++
	}
	return c
}

// Describe writes a human-readable summary: inputs, outputs, nodes.
func (m *Model) Describe() string {
	var b bytes.Buffer
	for _, id := range m.inputs {
		fmt.Fprintf(&b, "input  %s %s%v\n", m.values[id].name, m.values[id].dtype, []int(m.values[id].dims))
	}
	for i := range m.nodes {
		n := &m.nodes[i]
		fmt.Fprintf(&b, "node   %s %s ->", n.name, n.op)
		for _, o := range n.out {
			fmt.Fprintf(&b, " %s %s", m.values[o].name, m.values[o].typ)
		}
		b.WriteByte('\n')
	}
	for _, id := range m.outputs {
		fmt.Fprintf(&b, "output %s %s\n", m.values[id].name, m.values[id].typ)
	}
	return b.String()
}

var errClosed = errors.New("runtime: model is closed")
