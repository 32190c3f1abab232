package onnx

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/edgerun/edgerun/runtime"
)

// ErrUnsupported is wrapped by errors about well-formed models the runtime
// cannot express: an op outside its op set, an attribute value it has no
// equivalent for, a dynamic dimension other than the batch.
var ErrUnsupported = errors.New("onnx: unsupported")

// OpError reports a node that cannot be converted.
type OpError struct {
	Node   string // the node's name ("" if the model gives none)
	OpType string // its ONNX op type, with the domain if not ai.onnx
	Err    error
}

func (e *OpError) Error() string {
	return fmt.Sprintf("onnx: node %q (%s): %v", e.Node, e.OpType, e.Err)
}

func (e *OpError) Unwrap() error { return e.Err }

func unsupported(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrUnsupported, fmt.Sprintf(format, a...))
}

// Option configures a conversion.
type Option func(*config)

type config struct {
	maxBytes    int64
	inputShapes map[string][]int
	provenance  string
}

// WithInputShape fixes the shape of a graph input whose dimensions are
// symbolic beyond the first. A -1 in dims keeps that dimension dynamic,
// which only the first may be.
func WithInputShape(name string, dims ...int) Option {
	return func(c *config) { c.inputShapes[name] = append([]int(nil), dims...) }
}

// WithMaxBytes bounds the model size Convert reads (default 1 GiB).
func WithMaxBytes(n int64) Option { return func(c *config) { c.maxBytes = n } }

// WithProvenance adds free text (a source URL, a training run) to the
// provenance metadata of the converted file.
func WithProvenance(s string) Option { return func(c *config) { c.provenance = s } }

// MinOpset and MaxOpset bound the ai.onnx opset versions the importer accepts.
const (
	MinOpset = 11
	MaxOpset = 17
)

// MetaONNXOpset is the metadata key recording the source model's opset.
const MetaONNXOpset = "onnx_opset"

// Convert reads an ONNX model from r and returns the equivalent edgerun
// deployment file, ready for its WriteFile method.
func Convert(r io.Reader, opts ...Option) (*runtime.File, error) {
	cfg := newConfig(opts)
	b, err := io.ReadAll(io.LimitReader(r, cfg.maxBytes+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > cfg.maxBytes {
		return nil, unsupported("model larger than %d bytes", cfg.maxBytes)
	}
	return convert(b, cfg)
}

// ConvertBytes converts a serialized ONNX model held in memory.
func ConvertBytes(b []byte, opts ...Option) (*runtime.File, error) {
	cfg := newConfig(opts)
	if int64(len(b)) > cfg.maxBytes {
		return nil, unsupported("model larger than %d bytes", cfg.maxBytes)
	}
	return convert(b, cfg)
}

// ConvertFile converts the ONNX model at path.
func ConvertFile(path string, opts ...Option) (*runtime.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	file, err := Convert(f, opts...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return file, nil
}

func newConfig(opts []Option) *config {
	c := &config{maxBytes: 1 << 30, inputShapes: map[string][]int{}}
	for _, o := range opts {
		o(c)
	}
	return c
}

// val is what the importer knows about one ONNX value.
type val struct {
	c     *ctensor      // constant, folded at import
	dt    runtime.DType // dynamic: element type
	shape []int         // dynamic: dimensions, -1 at 0 for the batch
	rname string        // dynamic: the runtime value carrying it ("" while lazy)
	// A DequantizeLinear of a dynamic quantised value is kept pending, so
	// an int8 layer can consume the quantised value directly; it becomes a
	// dequantize node only if a float consumer needs it.
	dq *dqInfo
}

type dqInfo struct {
	src   string // the ONNX name of the quantised value
	scale float32
	zero  int32
}

type converter struct {
	cfg       *config
	opset     int64
	vals      map[string]*val
	nodes     []runtime.Node
	tensors   map[string]*runtime.Tensor
	used      map[string]bool // runtime names taken (values and nodes)
	uses      map[string]int  // ONNX value name → number of consuming inputs
	users     map[string][]*nodeProto
	skip      map[*nodeProto]bool
	outputs   map[string]bool
	gelu      map[*nodeProto]string // the last Mul of an erf GELU → its input
	silu      map[*nodeProto]string // the Mul of x·sigmoid(x) → x
	nodeNames map[string]bool
}

func convert(b []byte, cfg *config) (*runtime.File, error) {
	m, err := decodeModel(b)
	if err != nil {
		return nil, err
	}
	opset, ok := m.Opsets[""]
	if !ok {
		return nil, unsupported("model imports no ai.onnx opset")
	}
	if opset < MinOpset || opset > MaxOpset {
		return nil, unsupported("opset %d (supported: %d to %d)", opset, MinOpset, MaxOpset)
	}
	c := &converter{cfg: cfg, opset: opset, vals: map[string]*val{}, tensors: map[string]*runtime.Tensor{},
		used: map[string]bool{}, uses: map[string]int{}, users: map[string][]*nodeProto{},
		skip: map[*nodeProto]bool{}, outputs: map[string]bool{}, gelu: map[*nodeProto]string{}, nodeNames: map[string]bool{}, silu: map[*nodeProto]string{}}
	g := m.Graph
	for _, t := range g.Inits {
		if t.Name == "" {
			return nil, malformed("initializer without a name")
		}
		ct, err := tensorFromProto(t)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
		}
		c.vals[t.Name] = &val{c: ct}
	}
	var inputs []runtime.ValueInfo
	for _, in := range g.Inputs {
		if _, isInit := c.vals[in.Name]; isInit {
			continue // IR < 4 lists initializers among the inputs
		}
		vi, v, err := c.graphInput(in)
		if err != nil {
			return nil, err
		}
		c.vals[in.Name] = v
		c.used[in.Name] = true
		inputs = append(inputs, vi)
	}
	if len(inputs) == 0 {
		return nil, unsupported("graph has no dynamic inputs")
	}
	order, err := topoOrder(g)
	if err != nil {
		return nil, err
	}
	for _, n := range order {
		for _, in := range n.Inputs {
			if in != "" {
				c.uses[in]++
				c.users[in] = append(c.users[in], n)
			}
		}
		for _, out := range n.Outputs {
			if out != "" {
				c.used[out] = true
			}
		}
	}
	for _, o := range g.Outputs {
		c.uses[o.Name]++
		c.outputs[o.Name] = true
	}
	c.findGelu(order)
	for _, n := range order {
		if c.skip[n] {
			continue
		}
		if err := c.node(n); err != nil {
			var oe *OpError
			if errors.As(err, &oe) {
				return nil, err
			}
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrUnsupported) {
				err = fmt.Errorf("%w: %v", ErrMalformed, err)
			}
			op := n.OpType
			if n.Domain != "" && n.Domain != "ai.onnx" {
				op = n.Domain + "." + op
			}
			return nil, &OpError{Node: n.Name, OpType: op, Err: err}
		}
	}
	outputs, err := c.graphOutputs(g.Outputs)
	if err != nil {
		return nil, err
	}
	// Names starting with "__" are reserved in edgerun files.
	reserved := map[string]string{}
	fix := func(n string) string {
		if !strings.HasPrefix(n, "__") {
			return n
		}
		if r, ok := reserved[n]; ok {
			return r
		}
		reserved[n] = c.fresh("v" + n)
		return reserved[n]
	}
	for i := range c.nodes {
		for j := range c.nodes[i].Inputs {
			c.nodes[i].Inputs[j] = fix(c.nodes[i].Inputs[j])
		}
		for j := range c.nodes[i].Outputs {
			c.nodes[i].Outputs[j] = fix(c.nodes[i].Outputs[j])
		}
	}
	for i := range inputs {
		inputs[i].Name = fix(inputs[i].Name)
	}
	for i := range outputs {
		outputs[i].Name = fix(outputs[i].Name)
	}
	graph := &runtime.Graph{Inputs: inputs, Outputs: outputs, Nodes: c.nodes}
	prov := map[string]any{"source": "onnx", "ir_version": m.IRVersion, "opset": opset,
		"producer": strings.TrimSpace(m.ProducerName + " " + m.ProducerVersion), "graph": g.Name}
	if cfg.provenance != "" {
		prov["note"] = cfg.provenance
	}
	pj, _ := json.Marshal(prov)
	f := &runtime.File{Graph: graph, Tensors: c.tensors, Metadata: map[string]string{
		runtime.MetaProvenance: string(pj), MetaONNXOpset: strconv.FormatInt(opset, 10)}}
	// The runtime checks everything again at open; check here too, so a
	// conversion that succeeds gives a file that loads.
	if err := validate(f); err != nil {
		return nil, err
	}
	return f, nil
}

// validate encodes the file and opens it with the runtime.
func validate(f *runtime.File) error {
	var buf bytesBuffer
	if err := f.Encode(&buf); err != nil {
		return fmt.Errorf("%w: encoding the converted model: %v", ErrUnsupported, err)
	}
	m, err := runtime.OpenBytes(buf.b, runtime.WithDeferredChecksum())
	if err != nil {
		return fmt.Errorf("%w: the runtime refuses the converted model: %v", ErrUnsupported, err)
	}
	return m.Close()
}

type bytesBuffer struct{ b []byte }

func (w *bytesBuffer) Write(p []byte) (int, error) { w.b = append(w.b, p...); return len(p), nil }

func (c *converter) graphInput(in *valueInfo) (runtime.ValueInfo, *val, error) {
	var dt runtime.DType
	switch in.ElemType {
	case tFloat:
		dt = runtime.F32
	case tUint8:
		dt = runtime.U8
	case tInt8:
		dt = runtime.S8
	default:
		return runtime.ValueInfo{}, nil, unsupported("input %q has element type %d (want float, uint8 or int8)", in.Name, in.ElemType)
	}
	if !in.HasShape {
		return runtime.ValueInfo{}, nil, unsupported("input %q has no shape", in.Name)
	}
	shape := make([]int, len(in.Dims))
	for i, d := range in.Dims {
		switch {
		case d.Known && d.Value >= 0 && d.Value <= maxElems:
			shape[i] = int(d.Value)
		case d.Known:
			return runtime.ValueInfo{}, nil, malformed("input %q: dimension %d is %d", in.Name, i, d.Value)
		default:
			shape[i] = runtime.Batch
		}
	}
	if fixed, ok := c.cfg.inputShapes[in.Name]; ok {
		if len(fixed) != len(shape) {
			return runtime.ValueInfo{}, nil, unsupported("input %q has rank %d, the shape given has %d", in.Name, len(shape), len(fixed))
		}
		copy(shape, fixed)
	}
	for i, d := range shape {
		if d < 0 && i > 0 {
			return runtime.ValueInfo{}, nil, unsupported("input %q: dimension %d (%q) is dynamic; only the first (batch) may be: fix it with WithInputShape", in.Name, i, in.Dims[i].Param)
		}
	}
	if _, err := numel(positive(shape)); err != nil {
		return runtime.ValueInfo{}, nil, unsupported("input %q: %v", in.Name, err)
	}
	return runtime.ValueInfo{Name: in.Name, DType: dt, Shape: runtime.Dims(shape)},
		&val{dt: dt, shape: shape, rname: in.Name}, nil
}

// positive replaces the batch dimension by 1.
func positive(s []int) []int {
	out := append([]int{}, s...)
	for i := range out {
		if out[i] < 0 {
			out[i] = 1
		}
	}
	return out
}

func (c *converter) graphOutputs(outs []*valueInfo) ([]runtime.ValueInfo, error) {
	var res []runtime.ValueInfo
	claimed := map[string]bool{}
	for _, o := range outs {
		v := c.vals[o.Name]
		if v == nil {
			return nil, malformed("graph output %q is not produced", o.Name)
		}
		if v.c != nil {
			return nil, unsupported("graph output %q is a constant", o.Name)
		}
		r, err := c.dyn(o.Name)
		if err != nil {
			return nil, err
		}
		switch {
		case r == o.Name:
		case !claimed[r] && c.producedBy(r) >= 0 && !c.outputs[r]:
			// An Identity (or a dropped Dropout) sits before the output:
			// rename the producer's output to the ONNX output name.
			c.rename(r, o.Name)
			r = o.Name
		default:
			// The same value leaves twice: copy it.
			c.emit("reshape", o.Name, []string{r}, []string{o.Name}, map[string]any{"shape": zeros(len(v.shape))})
			r = o.Name
		}
		claimed[r] = true
		res = append(res, runtime.ValueInfo{Name: r})
	}
	return res, nil
}

func zeros(n int) []int { return make([]int, n) }

func (c *converter) producedBy(name string) int {
	for i := range c.nodes {
		for _, o := range c.nodes[i].Outputs {
			if o == name {
				return i
			}
		}
	}
	return -1
}

func (c *converter) rename(from, to string) {
	for i := range c.nodes {
		for j, s := range c.nodes[i].Inputs {
			if s == from {
				c.nodes[i].Inputs[j] = to
			}
		}
		for j, s := range c.nodes[i].Outputs {
			if s == from {
				c.nodes[i].Outputs[j] = to
			}
		}
	}
}

// topoOrder returns the nodes so that every value is produced before it is
// used, and rejects cycles, values produced twice and unknown inputs.
func topoOrder(g *graphProto) ([]*nodeProto, error) {
	producer := map[string]int{}
	known := map[string]bool{}
	for _, t := range g.Inits {
		known[t.Name] = true
	}
	for _, in := range g.Inputs {
		known[in.Name] = true
	}
	for i, n := range g.Nodes {
		for _, o := range n.Outputs {
			if o == "" {
				continue
			}
			if _, dup := producer[o]; dup || known[o] {
				return nil, malformed("value %q is produced twice", o)
			}
			producer[o] = i
		}
	}
	state := make([]uint8, len(g.Nodes)) // 0 new, 1 on the stack, 2 done
	order := make([]*nodeProto, 0, len(g.Nodes))
	type frame struct{ n, next int }
	for root := range g.Nodes {
		if state[root] != 0 {
			continue
		}
		stack := []frame{{root, 0}}
		state[root] = 1
		for len(stack) > 0 {
			top := &stack[len(stack)-1]
			n := g.Nodes[top.n]
			if top.next < len(n.Inputs) {
				in := n.Inputs[top.next]
				top.next++
				if in == "" || known[in] {
					continue
				}
				p, ok := producer[in]
				if !ok {
					return nil, malformed("node %q reads %q, which nothing produces", n.Name, in)
				}
				switch state[p] {
				case 1:
					return nil, malformed("the graph has a cycle through %q", in)
				case 0:
					state[p] = 1
					stack = append(stack, frame{p, 0})
				}
				continue
			}
			state[top.n] = 2
			order = append(order, n)
			stack = stack[:len(stack)-1]
		}
	}
	for _, o := range g.Outputs {
		if _, ok := producer[o.Name]; !ok && !known[o.Name] {
			return nil, malformed("graph output %q is not produced", o.Name)
		}
	}
	return order, nil
}

// fresh returns an unused runtime name built from hint.
func (c *converter) fresh(hint string) string {
	if strings.HasPrefix(hint, "__") {
		hint = "v" + hint
	}
	if hint == "" {
		hint = "v"
	}
	if !c.used[hint] {
		c.used[hint] = true
		return hint
	}
	for i := 1; ; i++ {
		n := hint + "_" + strconv.Itoa(i)
		if !c.used[n] {
			c.used[n] = true
			return n
		}
	}
}

func (c *converter) emit(op, name string, in, out []string, attrs map[string]any) {
	var raw json.RawMessage
	if len(attrs) > 0 {
		raw, _ = json.Marshal(attrs)
	}
	// ONNX does not require node names to be unique (or present); the
	// runtime does.
	if name == "" {
		name = op
	}
	if c.nodeNames[name] {
		for i := 1; ; i++ {
			if n := name + "_" + strconv.Itoa(i); !c.nodeNames[n] {
				name = n
				break
			}
		}
	}
	c.nodeNames[name] = true
	c.nodes = append(c.nodes, runtime.Node{Name: name, Op: op, Inputs: in, Outputs: out, Attrs: raw})
}

// setDyn records a dynamic output under its ONNX name.
func (c *converter) setDyn(name string, dt runtime.DType, shape []int) *val {
	v := &val{dt: dt, shape: shape, rname: name}
	c.vals[name] = v
	return v
}

// dyn returns the runtime name carrying ONNX value name, turning a pending
// dequantisation into a dequantize node and a constant into an initializer.
func (c *converter) dyn(name string) (string, error) {
	v := c.vals[name]
	if v == nil {
		return "", malformed("value %q is used before it is produced", name)
	}
	if v.c != nil {
		if v.rname == "" {
			r, err := c.initializer(name, v.c)
			if err != nil {
				return "", err
			}
			v.rname = r
		}
		return v.rname, nil
	}
	if v.rname == "" && v.dq != nil {
		src, err := c.dyn(v.dq.src)
		if err != nil {
			return "", err
		}
		v.rname = c.fresh(name)
		c.emit("dequantize", v.rname, []string{src}, []string{v.rname},
			map[string]any{"scale": v.dq.scale, "zero_point": v.dq.zero})
	}
	return v.rname, nil
}

// initializer stores a constant as an F32 (or integer) tensor of the file.
func (c *converter) initializer(hint string, t *ctensor) (string, error) {
	name := c.fresh(hint)
	var rt *runtime.Tensor
	var err error
	switch t.dt {
	case tFloat:
		rt, err = runtime.F32Tensor(t.f, t.shape...)
	case tInt8:
		rt, err = runtime.NewTensor(runtime.S8, t.shape...)
		if err == nil {
			for k, v := range t.i {
				rt.S8()[k] = int8(v)
			}
		}
	case tInt32:
		rt, err = runtime.NewTensor(runtime.S32, t.shape...)
		if err == nil {
			for k, v := range t.i {
				rt.S32()[k] = int32(v)
			}
		}
	default:
		// Other integer constants feed float ops as floats.
		rt, err = runtime.F32Tensor(t.floats(), t.shape...)
	}
	if err != nil {
		return "", err
	}
	c.tensors[name] = rt
	return name, nil
}

// attrs indexes a node's attributes.
type attrs map[string]*attrProto

func (a attrs) int(name string, def int64) int64 {
	if p := a[name]; p != nil {
		return p.I
	}
	return def
}

func (a attrs) float(name string, def float32) float32 {
	if p := a[name]; p != nil {
		return p.F
	}
	return def
}

func (a attrs) str(name, def string) string {
	if p := a[name]; p != nil {
		return string(p.S)
	}
	return def
}

func (a attrs) ints(name string) []int64 {
	if p := a[name]; p != nil {
		return p.Ints
	}
	return nil
}

func toInts(v []int64) ([]int, error) {
	out := make([]int, len(v))
	for i, x := range v {
		if x < -maxElems || x > maxElems {
			return nil, fmt.Errorf("value %d out of range", x)
		}
		out[i] = int(x)
	}
	return out, nil
}

func sortedKeys(m map[string]*attrProto) []string {
	k := make([]string, 0, len(m))
	for n := range m {
		k = append(k, n)
	}
	sort.Strings(k)
	return k
}
