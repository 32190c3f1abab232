package runtime

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"time"
	"unsafe"

	"github.com/edgerun/edgerun/runtime/internal/kern"
)

// Session runs a model at one batch size. Its activations live in one
// arena planned at creation, so Run allocates nothing. A session is not
// safe for concurrent use; create one per goroutine (they share the
// model's weights).
type Session struct {
	m       *Model
	batch   int
	arena   []byte
	vals    []*Tensor // per value of the model
	steps   []func()
	inputs  []*Tensor
	outputs []*Tensor
	pool    *workerPool
	profile *Profile
	closed  bool
}

// SessionOption configures NewSession.
type SessionOption func(*sessionConfig)

type sessionConfig struct {
	batch      int
	threads    int
	profile    *Profile
	arenaLimit int64
}

// WithBatch sets the size of the dynamic batch dimension (default 1).
func WithBatch(n int) SessionOption { return func(c *sessionConfig) { c.batch = n } }

// WithThreads splits large ops (convolutions, dense layers) over n
// goroutines started with the session (default 1: no extra goroutines).
func WithThreads(n int) SessionOption { return func(c *sessionConfig) { c.threads = n } }

// WithProfile makes Run add each node's wall time to p. NewSession resets
// p; give each session its own Profile.
func WithProfile(p *Profile) SessionOption { return func(c *sessionConfig) { c.profile = p } }

// WithArenaLimit makes NewSession fail when the activations would need
// more than n bytes (a guard against models whose shapes explode).
func WithArenaLimit(n int64) SessionOption { return func(c *sessionConfig) { c.arenaLimit = n } }

// Profile accumulates per-node timings over the Runs of one session.
type Profile struct {
	Nodes []NodeProfile
}

// NodeProfile is one node's share of a session's run time.
type NodeProfile struct {
	Name  string
	Op    string
	Calls int
	Total time.Duration
	// FoldedInto names the node that does this one's work as part of its
	// own (a ReLU in the addition before it, a pool in its convolution, an
	// encoder's projection in its packet transform), whose time includes
	// it; empty for a node that runs on its own.
	FoldedInto string
}

// Reset zeroes the counters.
func (p *Profile) Reset() {
	for i := range p.Nodes {
		p.Nodes[i].Calls, p.Nodes[i].Total = 0, 0
	}
}

// NewSession plans and allocates a session's arena and binds every node.
func (m *Model) NewSession(opts ...SessionOption) (*Session, error) {
	cfg := sessionConfig{batch: 1, threads: 1}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.batch < 1 {
		return nil, fmt.Errorf("runtime: batch size %d < 1", cfg.batch)
	}
	m.mu.Lock()
	if m.closing || m.closed {
		m.mu.Unlock()
		return nil, errClosed
	}
	m.sessions++
	m.mu.Unlock()
	s, err := m.newSession(&cfg)
	if err != nil {
		m.releaseSession()
		return nil, err
	}
	return s, nil
}

func (m *Model) releaseSession() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sessions--
	if m.sessions == 0 && m.closing && !m.closed {
		m.release()
	}
}

func (m *Model) newSession(cfg *sessionConfig) (*Session, error) {
	types, err := m.infer(cfg.batch)
	if err != nil {
		return nil, err
	}
	threads := max(1, cfg.threads)
	scratch := make([]int, len(m.nodes))
	in := make([]ValueType, 0, 8)
	for i := range m.nodes {
		n := &m.nodes[i]
		if n.def.scratch == nil {
			continue
		}
		in = in[:0]
		for _, id := range n.in {
			if id < 0 {
				in = append(in, ValueType{})
			} else {
				in = append(in, types[id])
			}
		}
		scratch[i] = n.def.scratch(n.attrs, in, threads)
	}
	// The folds decide which nodes run and which values get bytes: found
	// once, for the plan and the steps.
	folds := m.reluFolds(types)
	pools := m.poolFolds(types, folds)
	m.codecFolds(types, pools)
	offsets, scratchOff, size, err := m.plan(types, scratch, folds, pools)
	if err != nil {
		return nil, err
	}
	if cfg.arenaLimit > 0 && size > cfg.arenaLimit {
		return nil, fmt.Errorf("runtime: arena needs %d bytes at batch %d, limit %d", size, cfg.batch, cfg.arenaLimit)
	}
	s := &Session{m: m, batch: cfg.batch, vals: make([]*Tensor, len(m.values))}
	s.arena = alignedBytes(int(size))
	for i := range m.values {
		v := &m.values[i]
		if v.kind == kindInit {
			s.vals[i] = v.init
			continue
		}
		t := types[i]
		if offsets[i] < 0 {
			// Computed by no node (see plan): no bytes.
			s.vals[i] = &Tensor{dtype: t.DType, shape: t.Shape}
			continue
		}
		n := prod(t.Shape) * t.DType.Size()
		off := offsets[i]
		s.vals[i] = &Tensor{dtype: t.DType, shape: t.Shape, data: s.arena[off : off+n : off+n]}
	}
	for _, id := range m.inputs {
		s.inputs = append(s.inputs, s.vals[id])
	}
	for _, id := range m.outputs {
		s.outputs = append(s.outputs, s.vals[id])
	}
	s.pool = newWorkerPool(threads)
	foldedInto := make([]bool, len(m.nodes))
	for _, p := range folds {
		if p >= 0 {
			foldedInto[p] = true
		}
	}
	pooledBy := make([]int, len(m.nodes)) // the pool a convolution computes, or -1
	for i := range pooledBy {
		pooledBy[i] = -1
	}
	for i, c := range pools {
		if c >= 0 {
			pooledBy[c] = i
		}
	}
	for i := range m.nodes {
		n := &m.nodes[i]
		if folds[i] >= 0 || pools[i] >= 0 {
			s.steps = append(s.steps, func() {})
			continue
		}
		in := make([]*Tensor, len(n.in))
		for j, id := range n.in {
			if id >= 0 {
				in[j] = s.vals[id]
			}
		}
		out := make([]*Tensor, len(n.out))
		for j, id := range n.out {
			out[j] = s.vals[id]
		}
		e := &env{pool: s.pool, threads: threads, constIn: make([]bool, len(n.in))}
		if foldedInto[i] {
			// A pool or an addition rectifies its output; a convolution
			// its padded copy of the input.
			e.relu, e.reluIn = n.op != "conv2d", n.op == "conv2d"
		}
		if pl := pooledBy[i]; pl >= 0 {
			switch pn := &m.nodes[pl]; pn.op {
			case "round_s8":
				// Companding writes the rounded latents.
				e.roundS8 = true
			case "conv2d":
				// The packet transform writes the projection.
				e.project = []*Tensor{s.vals[pn.in[1]], nil}
				if len(pn.in) > 2 && pn.in[2] >= 0 {
					e.project[1] = s.vals[pn.in[2]]
				}
			default:
				// The convolution writes the pool's output, rectified
				// when a ReLU folded into the pool.
				e.maxPool2, e.relu = true, foldedInto[pl]
			}
			out[0] = s.vals[m.nodes[pl].out[0]]
		}
		for j, id := range n.in {
			e.constIn[j] = id >= 0 && m.values[id].kind == kindInit
		}
		if scratch[i] > 0 {
			b := s.arena[scratchOff[i] : scratchOff[i]+4*scratch[i]]
			e.scratch = unsafe.Slice((*float32)(unsafe.Pointer(unsafe.SliceData(b))), scratch[i])
		}
		run, err := n.def.prepare(n.attrs, in, out, e)
		if err != nil {
			s.pool.close()
			return nil, fmt.Errorf("runtime: node %q (%s): %w", n.name, n.op, err)
		}
		s.steps = append(s.steps, run)
	}
	if cfg.profile != nil {
		s.profile = cfg.profile
		s.profile.Nodes = make([]NodeProfile, len(m.nodes))
		for i := range m.nodes {
			s.profile.Nodes[i] = NodeProfile{Name: m.nodes[i].name, Op: m.nodes[i].op}
			if by := max(folds[i], pools[i]); by >= 0 {
				s.profile.Nodes[i].FoldedInto = m.nodes[by].name
			}
		}
	}
	return s, nil
}

// plan assigns each activation, and each node's scratch (float32 counts
// in scratch), an arena offset, or -1 for the activations no node
// computes (the map a folded pool reads, the floats a folded rounding
// reads). Buffers whose lifetimes (from the step that
// writes them to the last step that reads them) overlap get disjoint
// ranges; the rest share memory. Placement is greedy, largest first, at
// the lowest offset that fits.
// folds and pools are reluFolds' and poolFolds' (with codecFolds') answers.
func (m *Model) plan(types []ValueType, scratch, folds, pools []int) (valOff, scratchOff []int, total int64, err error) {
	type buf struct {
		size       int
		start, end int
		off        int
	}
	last := len(m.nodes)
	var bufs []buf
	idx := make([]int, len(m.values))
	const limit = math.MaxInt / 4
	root := m.aliases(folds)
	// A pool folded into a convolution: the convolution writes the pool's
	// output, and its own output (and the folded ReLU's view of it) is
	// never computed.
	writer := make([]int, len(m.values))
	dead := make([]bool, len(m.values))
	for i := range m.values {
		writer[i] = m.values[i].producer
	}
	for i, c := range pools {
		if c >= 0 {
			writer[m.nodes[i].out[0]] = c
			dead[m.nodes[c].out[0]] = true
		}
	}
	for i := range m.values {
		idx[i] = -1
		v := &m.values[i]
		if v.kind == kindInit || root[i] >= 0 || dead[i] {
			continue
		}
		start := -1
		if v.kind == kindNode {
			start = writer[i]
		}
		idx[i] = len(bufs)
		n := int64(prod(types[i].Shape)) * int64(types[i].DType.Size())
		if n > limit {
			return nil, nil, 0, fmt.Errorf("runtime: value %q needs %d bytes", v.name, n)
		}
		bufs = append(bufs, buf{size: alignUp(int(n)), start: start, end: start})
	}
	for i, r := range root {
		if r >= 0 {
			idx[i] = idx[r]
		}
	}
	for i := range m.values {
		if idx[i] < 0 && m.values[i].kind != kindInit {
			dead[i] = true
		}
	}
	nv := len(bufs)
	for i, n := range scratch {
		if int64(n) > limit/4 {
			return nil, nil, 0, fmt.Errorf("runtime: node %q needs %d floats of scratch", m.nodes[i].name, n)
		}
		bufs = append(bufs, buf{size: alignUp(4 * n), start: i, end: i})
	}
	for i := range m.nodes {
		for _, in := range m.nodes[i].in {
			if in >= 0 && idx[in] >= 0 && bufs[idx[in]].end < i {
				bufs[idx[in]].end = i
			}
		}
	}
	// Inputs and outputs belong to the caller between runs: keep them
	// live for the whole run so nothing overwrites them.
	for _, id := range m.inputs {
		bufs[idx[id]].start, bufs[idx[id]].end = -1, last
	}
	for _, id := range m.outputs {
		bufs[idx[id]].end = last
	}
	order := make([]int, len(bufs))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return bufs[order[a]].size > bufs[order[b]].size })
	var placed []int
	var busy [][2]int
	for _, bi := range order {
		b := &bufs[bi]
		if b.size == 0 {
			continue
		}
		// Collect the ranges of live-overlapping placed buffers, sorted by
		// offset, and take the first gap large enough.
		busy = busy[:0]
		for _, pj := range placed {
			p := &bufs[pj]
			if p.start <= b.end && b.start <= p.end {
				busy = append(busy, [2]int{p.off, p.off + p.size})
			}
		}
		sort.Slice(busy, func(i, j int) bool { return busy[i][0] < busy[j][0] })
		off := 0
		for _, r := range busy {
			if off+b.size <= r[0] {
				break
			}
			off = max(off, r[1])
		}
		b.off = off
		placed = append(placed, bi)
		total = max(total, int64(off)+int64(b.size))
		if total > limit {
			return nil, nil, 0, fmt.Errorf("runtime: arena exceeds %d bytes", limit)
		}
	}
	valOff = make([]int, len(m.values))
	for i := range m.values {
		switch {
		case idx[i] >= 0:
			valOff[i] = bufs[idx[i]].off
		case dead[i]:
			valOff[i] = -1
		}
	}
	scratchOff = make([]int, len(scratch))
	for i := range scratch {
		scratchOff[i] = bufs[nv+i].off
	}
	return valOff, scratchOff, total, nil
}

// aliases maps the output of each view op (flatten, reshape) to the
// value whose bytes it shares, or -1: a view relabels the shape of a
// buffer, so it needs no memory and no copy. Graph outputs keep their own
// buffer (the caller reads them after Run) and initializers are read-only.
// A ReLU folded into another node (folds, from reluFolds) is a view too.
func (m *Model) aliases(folded []int) []int {
	root := make([]int, len(m.values))
	for i := range root {
		root[i] = -1
	}
	isOut := m.outputSet()
	for i := range m.nodes {
		n := &m.nodes[i]
		if !n.def.view && folded[i] < 0 {
			continue
		}
		in, out := n.in[0], n.out[0]
		if m.values[in].kind == kindInit || isOut[out] {
			continue
		}
		if root[in] >= 0 {
			in = root[in]
		}
		root[out] = in
	}
	return root
}

// reluFolds finds the ReLUs that another node computes instead: for each
// node, the index of the node that applies it, or -1. A ReLU folds
//   - into the addition that produces its input (of two tensors of one
//     shape, at the session's types), when the ReLU is that sum's only
//     reader: the residual add and ReLU of a ResNet block become one pass;
//   - else into a max pool that is its output's only reader: the pool
//     takes max(·, 0) of each window's maximum, the same number, and the
//     ReLU's pass over the largest activation of a Conv → ReLU → MaxPool
//     goes;
//   - else into a convolution that is its output's only reader and copies
//     its input anyway (padded, at stride 1): the copy rectifies, as in
//     the Conv → ReLU → Conv of a ResNet block.
//
// Neither value may be a graph output. A folded ReLU runs as nothing and
// its output shares its input's bytes: rectified by the addition, or read
// by the pool or the convolution alone.
func (m *Model) reluFolds(types []ValueType) []int {
	folds := make([]int, len(m.nodes))
	readers := make([]int, len(m.values))
	reader := make([]int, len(m.values))
	for i := range m.nodes {
		folds[i] = -1
		for _, id := range m.nodes[i].in {
			if id >= 0 {
				readers[id]++
				reader[id] = i
			}
		}
	}
	isOut := m.outputSet()
	sameShape := func(a, b int) bool { return shapeEqual(types[a].Shape, types[b].Shape) }
	for i := range m.nodes {
		n := &m.nodes[i]
		if n.op != "relu" {
			continue
		}
		in, out := n.in[0], n.out[0]
		if isOut[out] {
			continue // its own buffer, which the folded ReLU would not write
		}
		if v := &m.values[in]; v.kind == kindNode && readers[in] == 1 && !isOut[in] {
			if p := &m.nodes[v.producer]; p.op == "add" && sameShape(p.in[0], p.in[1]) && sameShape(p.in[0], in) &&
				types[in].DType == F32 {
				folds[i] = v.producer
				continue
			}
		}
		if m.values[in].kind == kindInit || readers[out] != 1 {
			continue
		}
		if p := &m.nodes[reader[out]]; p.op == "maxpool2d" && p.in[0] == out {
			folds[i] = reader[out]
		} else if p.op == "conv2d" && p.in[0] == out && m.convCopiesInput(p, types) {
			folds[i] = reader[out]
		}
	}
	return folds
}

// poolFolds finds the max pools that a convolution computes instead: for
// each node, the index of the convolution that writes its output, or -1.
// A 2×2 max pool at stride 2 without padding folds into the convolution
// whose output it reads, directly or through a ReLU folded into the pool
// (relu, from reluFolds), when that convolution runs the Winograd path
// (kern.Conv2DParams.GemmPools: each tile is one window) and the values
// between them have no other reader and are not graph outputs. The
// convolution's output transform then takes each tile's maximum, and the
// four times larger map between them is never written.
func (m *Model) poolFolds(types []ValueType, relu []int) []int {
	folds := make([]int, len(m.nodes))
	for i := range folds {
		folds[i] = -1
	}
	readers := m.readerCounts()
	isOut := m.outputSet()
	single := func(id int) bool {
		v := &m.values[id]
		return v.kind == kindNode && readers[id] == 1 && !isOut[id] && types[id].DType == F32
	}
	for i := range m.nodes {
		n := &m.nodes[i]
		a, ok := n.attrs.(*pool2dAttrs)
		if n.op != "maxpool2d" || !ok || !slices.Equal(a.k, []int{2, 2}) || !slices.Equal(a.s, []int{2, 2}) ||
			!slices.Equal(a.p, []int{0, 0}) || !single(n.in[0]) {
			continue
		}
		src := n.in[0]
		if p := &m.nodes[m.values[src].producer]; p.op == "relu" {
			if relu[m.values[src].producer] != i || !single(p.in[0]) {
				continue
			}
			src = p.in[0]
		}
		c := m.values[src].producer
		if cn := &m.nodes[c]; cn.op == "conv2d" && m.convPools(cn, types) {
			folds[i] = c
		}
	}
	return folds
}

// codecFolds adds to pools (from poolFolds) the nodes of an encoder that
// the node before them computes instead, when the value between them has
// no other reader and is not a graph output:
//   - a rounding to I8 (round_s8) of companding: companding writes the
//     latents directly (codec's Compander.Quantize, the same bits);
//   - a 1×1 convolution that runs as simd.Pointwise (convPointwise) of a 2D
//     packet transform: the transform projects each row of coefficients
//     as it emits it (codec's WPT2D.ForwardProject, the same sums in the
//     same order).
//
// The value between them, the companded floats or the coefficients (the
// encoder's largest map), is never written.
func (m *Model) codecFolds(types []ValueType, pools []int) {
	readers := m.readerCounts()
	isOut := m.outputSet()
	for i := range m.nodes {
		n := &m.nodes[i]
		if pools[i] >= 0 || len(n.in) == 0 || n.in[0] < 0 {
			continue
		}
		src := n.in[0]
		v := &m.values[src]
		if v.kind != kindNode || readers[src] != 1 || isOut[src] || types[src].DType != F32 {
			continue
		}
		switch op := m.nodes[v.producer].op; {
		case n.op == "round_s8" && op == "compand":
			pools[i] = v.producer
		case n.op == "conv2d" && op == "wpt" && len(types[src].Shape) == 4 && m.convProjects(n, types):
			pools[i] = v.producer
		}
	}
}

// convProjects reports whether conv node n runs as simd.Pointwise.
func (m *Model) convProjects(n *cnode, types []ValueType) bool {
	p, wConst, biasConst, ok := m.convPlan(n, types)
	return ok && convPointwise(&p, wConst, biasConst)
}

// readerCounts returns how many node inputs read each value.
func (m *Model) readerCounts() []int {
	readers := make([]int, len(m.values))
	for i := range m.nodes {
		for _, id := range m.nodes[i].in {
			if id >= 0 {
				readers[id]++
			}
		}
	}
	return readers
}

// convPools reports whether conv node n runs as kern.ConvGemm on the
// Winograd path, which can pool its output (GemmPools).
func (m *Model) convPools(n *cnode, types []ValueType) bool {
	p, wConst, biasConst, ok := m.convPlan(n, types)
	return ok && len(types[n.in[0]].Shape) == 4 && convGemm(&p, wConst, biasConst) && p.GemmPools()
}

// convPlan gives conv node n's parameters at the session's types and
// whether its weights and bias are constant; ok is false when it lacks its
// weights, its input is not F32 or the parameters are invalid, and then no
// fold applies to it.
func (m *Model) convPlan(n *cnode, types []ValueType) (p kern.Conv2DParams, wConst, biasConst, ok bool) {
	if len(n.in) < 2 || n.in[0] < 0 || n.in[1] < 0 || types[n.in[0]].DType != F32 {
		return p, false, false, false
	}
	isInit := func(j int) bool { return j < len(n.in) && n.in[j] >= 0 && m.values[n.in[j]].kind == kindInit }
	p = convParams(n.attrs.(*convAttrs), types[n.in[0]].Shape, types[n.in[1]].Shape)
	return p, isInit(1), len(n.in) < 3 || n.in[2] < 0 || isInit(2), p.Validate() == nil
}

// convCopiesInput reports whether conv node n runs as kern.ConvGemm (the
// test convPrepare makes) with a padded copy of its input at stride 1
// (GemmCopiesInput).
func (m *Model) convCopiesInput(n *cnode, types []ValueType) bool {
	p, wConst, biasConst, ok := m.convPlan(n, types)
	return ok && convGemm(&p, wConst, biasConst) && p.GemmCopiesInput()
}

// outputSet marks the values that are graph outputs.
func (m *Model) outputSet() []bool {
	isOut := make([]bool, len(m.values))
	for _, o := range m.outputs {
		isOut[o] = true
	}
	return isOut
}

// Run executes the graph on the current contents of the input tensors,
// leaving results in the output tensors. It checks ctx between nodes and
// returns ctx.Err() if it is done. Run allocates nothing.
func (s *Session) Run(ctx context.Context) error {
	if s.closed {
		return errSessionClosed
	}
	if s.profile != nil {
		for i, run := range s.steps {
			if err := ctx.Err(); err != nil {
				return err
			}
			t0 := time.Now()
			run()
			p := &s.profile.Nodes[i]
			p.Total += time.Since(t0)
			p.Calls++
		}
		return nil
	}
	for _, run := range s.steps {
		if err := ctx.Err(); err != nil {
			return err
		}
		run()
	}
	return nil
}

// Input returns the i-th graph input's tensor. Write the input data into
// it before Run; it stays valid for the session's life.
func (s *Session) Input(i int) *Tensor { return s.inputs[i] }

// Output returns the i-th graph output's tensor, overwritten by each Run.
func (s *Session) Output(i int) *Tensor { return s.outputs[i] }

// InputByName returns the graph input with that name, or nil.
func (s *Session) InputByName(name string) *Tensor {
	for i, id := range s.m.inputs {
		if s.m.values[id].name == name {
			return s.inputs[i]
		}
	}
	return nil
}

// OutputByName returns the graph output with that name, or nil.
func (s *Session) OutputByName(name string) *Tensor {
	for i, id := range s.m.outputs {
		if s.m.values[id].name == name {
			return s.outputs[i]
		}
	}
	return nil
}

// NumInputs returns the number of graph inputs.
func (s *Session) NumInputs() int { return len(s.inputs) }

// NumOutputs returns the number of graph outputs.
func (s *Session) NumOutputs() int { return len(s.outputs) }

// Batch returns the session's batch size.
func (s *Session) Batch() int { return s.batch }

// ArenaBytes returns the size of the session's activation arena.
func (s *Session) ArenaBytes() int { return len(s.arena) }

// Close stops the session's worker goroutines and releases its hold on
// the model. The session's tensors must not be used afterwards.
func (s *Session) Close() error {
	if s.closed {
		return nil
	}
	s.closed = true
	s.pool.close()
	s.m.releaseSession()
	return nil
}

var errSessionClosed = fmt.Errorf("runtime: session is closed")
