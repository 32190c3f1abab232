package onnx

import (
	"fmt"
	"math"

	"github.com/edgerun/edgerun/runtime"
)

// qsrc remembers the integer origin of a constant produced by
// DequantizeLinear, so an int8 layer can use the integers directly.
type qsrc struct {
	q      *ctensor  // int8 weights or int32 bias
	scales []float32 // one, or one per slice of axis
	zeros  []int64
	axis   int
}

// node converts one ONNX node.
func (c *converter) node(n *nodeProto) error {
	if n.Domain != "" && n.Domain != "ai.onnx" {
		return unsupported("operator domain %q is not supported", n.Domain)
	}
	if g, ok := c.gelu[n]; ok {
		return c.unary(n, "gelu", g)
	}
	if x, ok := c.silu[n]; ok {
		return c.unary(n, "silu", x)
	}
	a := attrs{}
	for _, p := range n.Attrs {
		if p.hasG {
			return unsupported("subgraph attribute %q (control flow is not in the op set)", p.Name)
		}
		a[p.Name] = p
	}
	in := make([]*val, len(n.Inputs))
	allConst := true
	for i, name := range n.Inputs {
		if name == "" {
			continue
		}
		v := c.vals[name]
		if v == nil {
			return malformed("input %q is not produced before this node", name)
		}
		in[i] = v
		if v.c == nil {
			allConst = false
		}
	}
	if len(n.Outputs) == 0 || n.Outputs[0] == "" {
		return malformed("node has no outputs")
	}
	if n.OpType != "Constant" && (len(in) == 0 || in[0] == nil) {
		return malformed("input 0 is missing")
	}
	if allConst && len(n.Inputs) > 0 {
		if done, err := c.fold(n, a, in); done || err != nil {
			return err
		}
	}
	switch n.OpType {
	case "Constant", "ConstantOfShape", "Shape", "Gather", "Range":
		if n.OpType == "Shape" || n.OpType == "Constant" || allConst {
			return c.fold0(n, a, in)
		}
		return unsupported("%s of a value computed at run time", n.OpType)
	case "Identity", "Dropout":
		if len(n.Outputs) > 1 && n.Outputs[1] != "" && c.uses[n.Outputs[1]] > 0 {
			return unsupported("the Dropout mask is used")
		}
		c.vals[n.Outputs[0]] = in[0]
		return nil
	case "Cast":
		return c.castDyn(n, a, in)
	case "Relu":
		return c.unary(n, "relu", n.Inputs[0])
	case "Sigmoid":
		return c.unary(n, "sigmoid", n.Inputs[0])
	case "Tanh":
		return c.unary(n, "tanh", n.Inputs[0])
	case "Gelu":
		if a.str("approximate", "none") != "none" {
			return unsupported("Gelu approximation %q", a.str("approximate", ""))
		}
		return c.unary(n, "gelu", n.Inputs[0])
	case "Add", "Sub", "Mul", "Div":
		return c.binary(n, in)
	case "Clip":
		return c.clip(n, a, in)
	case "Softmax":
		return c.softmax(n, a, in)
	case "Conv":
		return c.conv(n, a, in)
	case "Gemm":
		return c.gemm(n, a, in)
	case "MatMul":
		return c.matmul(n, in)
	case "BatchNormalization":
		return c.batchnorm(n, a, in)
	case "LayerNormalization":
		return c.layernorm(n, a, in)
	case "MaxPool", "AveragePool":
		return c.pool(n, a, in)
	case "ReduceMean":
		return c.reduceMean(n, a, in)
	case "GlobalAveragePool":
		x, err := c.f32(n, 0)
		if err != nil {
			return err
		}
		if len(x.shape) < 3 {
			return unsupported("input of rank %d", len(x.shape))
		}
		s := append([]int{}, x.shape[:2]...)
		for range x.shape[2:] {
			s = append(s, 1)
		}
		return c.out(n, "global_avg_pool", []string{x.rname}, nil, runtime.F32, s)
	case "Flatten":
		return c.flatten(n, a, in)
	case "Reshape":
		return c.reshapeDyn(n, a, in)
	case "Unsqueeze", "Squeeze":
		return c.squeezeDyn(n, a, in)
	case "Transpose":
		return c.transposeDyn(n, a, in)
	case "Concat":
		return c.concatDyn(n, a, in)
	case "Slice":
		return c.sliceDyn(n, in)
	case "Pad":
		return c.pad(n, a, in)
	case "Resize", "Upsample":
		return c.resize(n, a, in)
	case "ArgMax":
		return c.argmax(n, a, in)
	case "TopK":
		return c.topk(n, a, in)
	case "QuantizeLinear":
		return c.quantize(n, a, in)
	case "DequantizeLinear":
		return c.dequantize(n, a, in)
	}
	return unsupported("op type %q is not supported", n.OpType)
}

// f32 returns dynamic F32 input i (materialising pending dequantisations;
// a constant becomes an initializer).
func (c *converter) f32(n *nodeProto, i int) (*val, error) {
	if i >= len(n.Inputs) || n.Inputs[i] == "" {
		return nil, malformed("input %d is missing", i)
	}
	r, err := c.dyn(n.Inputs[i])
	if err != nil {
		return nil, err
	}
	v := c.vals[n.Inputs[i]]
	if v.c != nil {
		return &val{dt: runtime.F32, shape: v.c.shape, rname: r}, nil
	}
	if v.dq != nil {
		return &val{dt: runtime.F32, shape: v.shape, rname: r}, nil
	}
	if v.dt != runtime.F32 {
		return nil, unsupported("input %d is %s, want float", i, v.dt)
	}
	return v, nil
}

// constIn returns constant input i, or an error naming what it is for.
func (c *converter) constIn(n *nodeProto, in []*val, i int, what string) (*ctensor, error) {
	if i >= len(in) || in[i] == nil {
		return nil, nil
	}
	if in[i].c == nil {
		return nil, unsupported("%s (input %d) must be a constant", what, i)
	}
	return in[i].c, nil
}

// out emits a single-output runtime node writing the node's first output.
func (c *converter) out(n *nodeProto, op string, ins []string, at map[string]any, dt runtime.DType, shape []int) error {
	if _, err := numel(positive(shape)); err != nil {
		return unsupported("output shape: %v", err)
	}
	name := n.Outputs[0]
	c.emit(op, c.nodeName(n), ins, []string{name}, at)
	c.setDyn(name, dt, shape)
	return nil
}

func (c *converter) nodeName(n *nodeProto) string {
	if n.Name != "" {
		return n.Name
	}
	return n.Outputs[0]
}

func (c *converter) unary(n *nodeProto, op, input string) error {
	r, err := c.dyn(input)
	if err != nil {
		return err
	}
	v := c.vals[input]
	shape := v.shape
	if v.c != nil {
		shape = v.c.shape
	} else if v.dq == nil && v.dt != runtime.F32 {
		return unsupported("input is %s, want float", v.dt)
	}
	return c.out(n, op, []string{r}, nil, runtime.F32, shape)
}

func shapeOf(v *val) []int {
	if v.c != nil {
		return v.c.shape
	}
	return v.shape
}

func (c *converter) binary(n *nodeProto, in []*val) error {
	if len(in) != 2 || in[0] == nil || in[1] == nil {
		return malformed("%s needs two inputs", n.OpType)
	}
	shape, err := broadcastShape(shapeOf(in[0]), shapeOf(in[1]))
	if err != nil {
		return unsupported("%v", err)
	}
	for i, d := range shape {
		if d < 0 && i != 0 {
			return unsupported("the batch dimension moves to axis %d", i)
		}
	}
	a, err := c.f32(n, 0)
	if err != nil {
		return err
	}
	b, err := c.f32(n, 1)
	if err != nil {
		return err
	}
	ops := map[string]string{"Add": "add", "Sub": "sub", "Mul": "mul", "Div": "div"}
	return c.out(n, ops[n.OpType], []string{a.rname, b.rname}, nil, runtime.F32, shape)
}

func (c *converter) clip(n *nodeProto, a attrs, in []*val) error {
	at := map[string]any{}
	lo, hi := float32(math.Inf(-1)), float32(math.Inf(1))
	// Before opset 11 the bounds were attributes.
	lo, hi = a.float("min", lo), a.float("max", hi)
	for i, bound := range []*float32{&lo, &hi} {
		t, err := c.constIn(n, in, i+1, []string{"min", "max"}[i])
		if err != nil {
			return err
		}
		if t != nil {
			if t.len() != 1 {
				return unsupported("clip bound of shape %v", t.shape)
			}
			*bound = t.floats()[0]
		}
	}
	if !(lo <= hi) {
		return unsupported("clip min %v > max %v", lo, hi)
	}
	if !math.IsInf(float64(lo), 0) {
		at["min"] = lo
	}
	if !math.IsInf(float64(hi), 0) {
		at["max"] = hi
	}
	x, err := c.f32(n, 0)
	if err != nil {
		return err
	}
	return c.out(n, "clip", []string{x.rname}, at, runtime.F32, x.shape)
}

func (c *converter) softmax(n *nodeProto, a attrs, in []*val) error {
	x, err := c.f32(n, 0)
	if err != nil {
		return err
	}
	r := len(x.shape)
	if c.opset >= 13 {
		ax, err := normAxis(a.int("axis", -1), r)
		if err != nil {
			return err
		}
		return c.out(n, "softmax", []string{x.rname}, map[string]any{"axis": ax}, runtime.F32, x.shape)
	}
	// Before opset 13 Softmax flattens the input to 2-D at axis and
	// normalises each row: reshape, softmax over the last axis, reshape back.
	ax, err := normAxis(a.int("axis", 1), r)
	if err != nil {
		return err
	}
	if ax == r-1 {
		return c.out(n, "softmax", []string{x.rname}, map[string]any{"axis": -1}, runtime.F32, x.shape)
	}
	if ax == 0 && x.shape[0] < 0 {
		return unsupported("softmax over the batch dimension")
	}
	flat := append(zeros(ax), -1)
	tmp := c.fresh(n.Outputs[0] + "_2d")
	c.emit("reshape", tmp, []string{x.rname}, []string{tmp}, map[string]any{"shape": flat})
	sm := c.fresh(n.Outputs[0] + "_sm")
	c.emit("softmax", sm, []string{tmp}, []string{sm}, map[string]any{"axis": -1})
	back := append([]int{}, x.shape...)
	if back[0] < 0 {
		back[0] = 0
	}
	return c.out(n, "reshape", []string{sm}, map[string]any{"shape": back}, runtime.F32, x.shape)
}

func normAxis(ax int64, r int) (int, error) {
	if ax < 0 {
		ax += int64(r)
	}
	if ax < 0 || ax >= int64(r) {
		return 0, unsupported("axis %d out of range for rank %d", ax, r)
	}
	return int(ax), nil
}

// convPads resolves auto_pad and pads into begin and end per spatial axis.
func convPads(a attrs, x []int, k, stride, dil []int) ([]int, []int, error) {
	r := len(k)
	begin, end := make([]int, r), make([]int, r)
	switch ap := a.str("auto_pad", "NOTSET"); ap {
	case "NOTSET", "":
		p, err := toInts(a.ints("pads"))
		if err != nil {
			return nil, nil, err
		}
		if len(p) != 0 && len(p) != 2*r {
			return nil, nil, malformed("pads %v for %d spatial axes", p, r)
		}
		if len(p) != 0 {
			copy(begin, p[:r])
			copy(end, p[r:])
		}
	case "VALID":
	case "SAME_UPPER", "SAME_LOWER":
		for i := 0; i < r; i++ {
			in := x[2+i]
			out := (in + stride[i] - 1) / stride[i]
			total := max(0, (out-1)*stride[i]+(k[i]-1)*dil[i]+1-in)
			if ap == "SAME_UPPER" {
				begin[i], end[i] = total/2, total-total/2
			} else {
				begin[i], end[i] = total-total/2, total/2
			}
		}
	default:
		return nil, nil, unsupported("auto_pad %q", ap)
	}
	for i := range begin {
		if begin[i] < 0 || end[i] < 0 {
			return nil, nil, unsupported("negative padding %v %v", begin, end)
		}
	}
	return begin, end, nil
}

func intsOr(a attrs, name string, n, def int) ([]int, error) {
	v, err := toInts(a.ints(name))
	if err != nil {
		return nil, err
	}
	if len(v) == 0 {
		v = make([]int, n)
		for i := range v {
			v[i] = def
		}
	}
	if len(v) != n {
		return nil, malformed("%s %v for %d spatial axes", name, v, n)
	}
	for _, x := range v {
		if x < 1 {
			return nil, malformed("%s %v", name, v)
		}
	}
	return v, nil
}

func (c *converter) conv(n *nodeProto, a attrs, in []*val) error {
	if len(in) < 2 || in[0] == nil || in[1] == nil {
		return malformed("Conv needs x and w")
	}
	w := in[1].c
	if w == nil {
		return unsupported("convolution weights must be constant")
	}
	r := len(w.shape) - 2
	if r != 1 && r != 2 {
		return unsupported("%d-D convolution (1-D and 2-D are supported)", r)
	}
	x := shapeOf(in[0])
	if len(x) != r+2 {
		return unsupported("input of rank %d for a %d-D convolution", len(x), r)
	}
	k := w.shape[2:]
	if ks, _ := toInts(a.ints("kernel_shape")); len(ks) != 0 && fmt.Sprint(ks) != fmt.Sprint(k) {
		return malformed("kernel_shape %v but weights %v", ks, w.shape)
	}
	stride, err := intsOr(a, "strides", r, 1)
	if err != nil {
		return err
	}
	dil, err := intsOr(a, "dilations", r, 1)
	if err != nil {
		return err
	}
	begin, end, err := convPads(a, x, k, stride, dil)
	if err != nil {
		return err
	}
	groups := int(a.int("group", 1))
	if groups < 1 || x[1]%groups != 0 || w.shape[1]*groups != x[1] || w.shape[0]%groups != 0 {
		return malformed("group %d with input %v and weights %v", groups, x, w.shape)
	}
	out := []int{x[0], w.shape[0]}
	for i := 0; i < r; i++ {
		span := (k[i]-1)*dil[i] + 1
		o := (x[2+i]+begin[i]+end[i]-span)/stride[i] + 1
		if x[2+i]+begin[i]+end[i] < span {
			return unsupported("kernel larger than the padded input")
		}
		out = append(out, o)
	}
	at := map[string]any{"stride": stride, "dilation": dil, "padding": append(append([]int{}, begin...), end...), "groups": groups}
	if r == 2 {
		if done, err := c.qlayer(n, "qconv2d", in, at, out, w, false); done || err != nil {
			return err
		}
	}
	xv, err := c.f32(n, 0)
	if err != nil {
		return err
	}
	wn, err := c.dyn(n.Inputs[1])
	if err != nil {
		return err
	}
	ins := []string{xv.rname, wn}
	if len(in) > 2 && in[2] != nil {
		if in[2].c == nil {
			return unsupported("convolution bias must be constant")
		}
		b, err := c.dyn(n.Inputs[2])
		if err != nil {
			return err
		}
		ins = append(ins, b)
	}
	op := "conv2d"
	if r == 1 {
		op = "conv1d"
	}
	return c.out(n, op, ins, at, runtime.F32, out)
}

// denseWeights returns w as [out, in] from an ONNX [K, N] (trans false) or
// [N, K] (trans true) constant.
func denseWeights(w *ctensor, trans bool) (*ctensor, error) {
	if len(w.shape) != 2 {
		return nil, unsupported("weights of rank %d", len(w.shape))
	}
	if trans {
		return w, nil
	}
	return w.transpose([]int{1, 0})
}

func (c *converter) gemm(n *nodeProto, a attrs, in []*val) error {
	if len(in) < 2 || in[0] == nil || in[1] == nil {
		return malformed("Gemm needs A and B")
	}
	if a.int("transA", 0) != 0 {
		return unsupported("transA")
	}
	x := shapeOf(in[0])
	if len(x) != 2 {
		return malformed("Gemm input of rank %d", len(x))
	}
	if in[1].c == nil {
		return unsupported("Gemm with a non-constant B")
	}
	alpha, beta := a.float("alpha", 1), a.float("beta", 1)
	trans := a.int("transB", 0) != 0
	w, err := denseWeights(in[1].c, trans)
	if err != nil {
		return err
	}
	if w.shape[1] != x[1] {
		return malformed("Gemm of %v and weights %v", x, in[1].c.shape)
	}
	nOut := w.shape[0]
	var bias *ctensor
	if len(in) > 2 && in[2] != nil {
		if in[2].c == nil {
			return unsupported("Gemm with a non-constant C")
		}
		cc := in[2].c
		switch {
		case cc.len() == 1:
			bias, _ = newConst(tFloat, []int{nOut})
			for i := range bias.f {
				bias.f[i] = cc.floats()[0]
			}
		case cc.len() == nOut && (len(cc.shape) == 1 || (len(cc.shape) == 2 && cc.shape[0] == 1)):
			bias = &ctensor{dt: tFloat, shape: []int{nOut}, f: cc.floats()}
		default:
			return unsupported("Gemm C of shape %v (want a scalar or [%d])", cc.shape, nOut)
		}
	}
	if alpha == 1 && beta == 1 {
		if done, err := c.qlayer(n, "qdense", in, nil, []int{x[0], nOut}, w, !trans); done || err != nil {
			return err
		}
	}
	if alpha != 1 {
		w, _ = binaryConst("Mul", w, scalarF(alpha))
	}
	if bias != nil && beta != 1 {
		bias, _ = binaryConst("Mul", bias, scalarF(beta))
	}
	return c.dense(n, w.cast0(), bias, []int{x[0], nOut})
}

// cast0 returns a float copy view of a constant (integer constants become floats).
func (t *ctensor) cast0() *ctensor {
	if t.isFloat() {
		return t
	}
	return &ctensor{dt: tFloat, shape: t.shape, f: t.floats()}
}

func (c *converter) dense(n *nodeProto, w, bias *ctensor, out []int) error {
	xv, err := c.f32(n, 0)
	if err != nil {
		return err
	}
	wn, err := c.initializer(n.Inputs[1]+"_t", w)
	if err != nil {
		return err
	}
	ins := []string{xv.rname, wn}
	if bias != nil {
		bn, err := c.initializer(nodeHint(n)+"_bias", bias)
		if err != nil {
			return err
		}
		ins = append(ins, bn)
	}
	return c.out(n, "dense", ins, nil, runtime.F32, out)
}

func nodeHint(n *nodeProto) string {
	if n.Name != "" {
		return n.Name
	}
	return n.Outputs[0]
}

func (c *converter) matmul(n *nodeProto, in []*val) error {
	if len(in) != 2 || in[0] == nil || in[1] == nil {
		return malformed("MatMul needs two inputs")
	}
	x := shapeOf(in[0])
	if len(x) < 2 {
		return unsupported("MatMul of a vector")
	}
	if in[1].c != nil {
		w, err := denseWeights(in[1].c, false)
		if err != nil {
			return err
		}
		if w.shape[1] != x[len(x)-1] {
			return malformed("MatMul of %v and %v", x, in[1].c.shape)
		}
		out := append(append([]int{}, x[:len(x)-1]...), w.shape[0])
		if done, err := c.qlayer(n, "qdense", in, nil, out, w, true); done || err != nil {
			return err
		}
		// torch writes Linear on more than two axes as MatMul then Add of
		// the bias: fold the Add into the dense layer.
		if add, bias := c.biasAdd(n.Outputs[0], w.shape[0]); add != nil {
			c.skip[add] = true
			n2 := *n
			n2.Outputs = []string{add.Outputs[0]}
			return c.dense(&n2, w.cast0(), bias, out)
		}
		return c.dense(n, w.cast0(), nil, out)
	}
	a, err := c.f32(n, 0)
	if err != nil {
		return err
	}
	b, err := c.f32(n, 1)
	if err != nil {
		return err
	}
	y := b.shape
	if len(y) < 2 || y[len(y)-2] != x[len(x)-1] || (len(y) > 2 && fmt.Sprint(y[:len(y)-2]) != fmt.Sprint(x[:len(x)-2])) {
		return unsupported("MatMul of %v and %v", x, y)
	}
	out := append(append([]int{}, x[:len(x)-1]...), y[len(y)-1])
	return c.out(n, "matmul", []string{a.rname, b.rname}, nil, runtime.F32, out)
}

func (c *converter) batchnorm(n *nodeProto, a attrs, in []*val) error {
	if a.int("training_mode", 0) != 0 {
		return unsupported("training_mode")
	}
	if len(n.Outputs) > 1 {
		for _, o := range n.Outputs[1:] {
			if o != "" && c.uses[o] > 0 {
				return unsupported("running statistics outputs are used")
			}
		}
	}
	if len(in) != 5 {
		return malformed("BatchNormalization needs 5 inputs")
	}
	x, err := c.f32(n, 0)
	if err != nil {
		return err
	}
	if len(x.shape) < 2 {
		return unsupported("input of rank %d", len(x.shape))
	}
	ins := []string{x.rname}
	for i := 1; i < 5; i++ {
		t, err := c.constIn(n, in, i, "batch-norm parameter")
		if err != nil {
			return err
		}
		if t == nil || t.len() != x.shape[1] {
			return malformed("batch-norm parameter %d does not have %d values", i, x.shape[1])
		}
		r, err := c.dyn(n.Inputs[i])
		if err != nil {
			return err
		}
		ins = append(ins, r)
	}
	return c.out(n, "batchnorm", ins, map[string]any{"epsilon": a.float("epsilon", 1e-5)}, runtime.F32, x.shape)
}

func (c *converter) pool(n *nodeProto, a attrs, in []*val) error {
	if len(n.Outputs) > 1 && n.Outputs[1] != "" {
		return unsupported("MaxPool indices output")
	}
	x, err := c.f32(n, 0)
	if err != nil {
		return err
	}
	if len(x.shape) != 4 {
		return unsupported("pooling over %d spatial axes (2 are supported)", len(x.shape)-2)
	}
	k, err := intsOr(a, "kernel_shape", 2, 0)
	if err != nil {
		return err
	}
	stride, err := intsOr(a, "strides", 2, 1)
	if err != nil {
		return err
	}
	dil, err := intsOr(a, "dilations", 2, 1)
	if err != nil {
		return err
	}
	if dil[0] != 1 || dil[1] != 1 {
		return unsupported("pooling dilations %v", dil)
	}
	if a.int("storage_order", 0) != 0 {
		return unsupported("storage_order")
	}
	begin, end, err := convPads(a, x.shape, k, stride, dil)
	if err != nil {
		return err
	}
	out := []int{x.shape[0], x.shape[1]}
	for i := 0; i < 2; i++ {
		span := x.shape[2+i] + begin[i] + end[i] - k[i]
		if span < 0 {
			return unsupported("kernel larger than the padded input")
		}
		fl := span/stride[i] + 1
		if a.int("ceil_mode", 0) != 0 && (span+stride[i]-1)/stride[i]+1 != fl {
			return unsupported("ceil_mode changes the output size here")
		}
		// The runtime pads symmetrically. An extra end pad that no window
		// reaches changes nothing, so SAME_UPPER pools often still fit.
		if begin[i] != end[i] {
			if end[i] < begin[i] || (x.shape[2+i]+2*begin[i]-k[i])/stride[i]+1 != fl {
				return unsupported("asymmetric pooling pads %v %v", begin, end)
			}
		}
		out = append(out, fl)
	}
	at := map[string]any{"kernel": k, "stride": stride, "padding": begin}
	op := "maxpool2d"
	if n.OpType == "AveragePool" {
		op = "avgpool2d"
		at["count_include_pad"] = a.int("count_include_pad", 0) != 0
	}
	return c.out(n, op, []string{x.rname}, at, runtime.F32, out)
}

func (c *converter) flatten(n *nodeProto, a attrs, in []*val) error {
	v := c.vals[n.Inputs[0]]
	x := shapeOf(v)
	ax, err := normAxis(a.int("axis", 1), len(x)+1)
	if err != nil {
		return err
	}
	if v.dq != nil && v.rname == "" {
		// Flatten the quantised values and dequantise later, so an int8
		// layer after the flatten can still take them.
		return c.throughDQ(n, func(q *nodeProto) error { return c.flatten(q, a, []*val{c.vals[q.Inputs[0]]}) })
	}
	r, err := c.dyn(n.Inputs[0])
	if err != nil {
		return err
	}
	dt := v.dt
	if v.dq != nil || v.c != nil {
		dt = runtime.F32
	}
	inner := 1
	for _, d := range x[ax:] {
		if d < 0 {
			return unsupported("flattening the batch dimension")
		}
		inner *= d
	}
	if ax == 1 {
		return c.out(n, "flatten", []string{r}, map[string]any{"axis": 1}, dt, []int{x[0], inner})
	}
	outer := 1
	for _, d := range x[:ax] {
		if d < 0 {
			return unsupported("flattening the batch dimension with axis %d", ax)
		}
		outer *= d
	}
	return c.out(n, "reshape", []string{r}, map[string]any{"shape": []int{outer, inner}}, dt, []int{outer, inner})
}

// reshapeTo emits a reshape of ONNX value name to shape (-1 at 0 for the
// batch), which the runtime expresses with 0 (copy) for the batch.
func (c *converter) reshapeTo(n *nodeProto, name string, shape []int) error {
	v := c.vals[name]
	if v.dq != nil && v.rname == "" {
		return c.throughDQ(n, func(q *nodeProto) error { return c.reshapeTo(q, q.Inputs[0], shape) })
	}
	x := shapeOf(v)
	r, err := c.dyn(name)
	if err != nil {
		return err
	}
	dt := v.dt
	if v.dq != nil || v.c != nil {
		dt = runtime.F32
	}
	spec := append([]int{}, shape...)
	for i, d := range shape {
		if d < 0 {
			if i != 0 || len(x) == 0 || x[0] >= 0 {
				return unsupported("the batch dimension would move to axis %d", i)
			}
			spec[i] = 0
		}
	}
	if len(x) > 0 && x[0] < 0 && (len(shape) == 0 || shape[0] >= 0) {
		return unsupported("reshape %v → %v folds the batch dimension", x, shape)
	}
	if a, b := prodPos(x), prodPos(shape); a != b {
		return malformed("cannot reshape %v into %v", x, shape)
	}
	return c.out(n, "reshape", []string{r}, map[string]any{"shape": spec}, dt, shape)
}

func prodPos(s []int) int {
	p := 1
	for _, d := range s {
		if d >= 0 {
			p *= d
		}
	}
	return p
}

// resolveReshape computes ONNX Reshape's output shape (batchSym for the
// batch), with 0 copying and one -1 inferred.
func resolveReshape(x []int, spec []int64, allowZero bool) ([]int, error) {
	out := make([]int, len(spec))
	free := -1
	for i, d := range spec {
		switch {
		case d == batchSym:
			out[i] = -1
		case d == 0 && !allowZero:
			if i >= len(x) {
				return nil, malformed("reshape copies dimension %d of %v", i, x)
			}
			out[i] = x[i]
		case d == -1:
			if free >= 0 {
				return nil, malformed("reshape %v has two -1", spec)
			}
			free = i
		case d < 0 || d > maxElems:
			return nil, malformed("reshape dimension %d", d)
		default:
			out[i] = int(d)
		}
	}
	if free >= 0 {
		known := prodPos(out[:free]) * prodPos(out[free+1:])
		total := prodPos(x)
		if known == 0 || total%known != 0 {
			return nil, malformed("cannot reshape %v into %v", x, spec)
		}
		out[free] = total / known
		// The batch stays dynamic: a -1 that absorbs it is the batch.
		hasBatch := len(x) > 0 && x[0] < 0
		outBatch := false
		for _, d := range out {
			outBatch = outBatch || d < 0
		}
		if hasBatch && !outBatch {
			if free != 0 {
				return nil, unsupported("reshape %v → %v folds the batch dimension into axis %d", x, spec, free)
			}
			out[0] = -1
		}
	}
	return out, nil
}

func (c *converter) reshapeDyn(n *nodeProto, a attrs, in []*val) error {
	s, err := c.constIn(n, in, 1, "the shape")
	if err != nil {
		return err
	}
	if s == nil {
		return malformed("Reshape needs a shape")
	}
	spec, err := s.ints()
	if err != nil {
		return err
	}
	out, err := resolveReshape(shapeOf(in[0]), spec, a.int("allowzero", 0) != 0)
	if err != nil {
		return err
	}
	return c.reshapeTo(n, n.Inputs[0], out)
}

// axesOf reads the axes of Squeeze/Unsqueeze (attribute before opset 13,
// input after).
func (c *converter) axesOf(n *nodeProto, a attrs, in []*val) ([]int64, error) {
	if c.opset < 13 {
		return a.ints("axes"), nil
	}
	t, err := c.constIn(n, in, 1, "axes")
	if err != nil || t == nil {
		return nil, err
	}
	return t.ints()
}

// squeezeShape applies Squeeze or Unsqueeze to a shape.
func squeezeShape(op string, x []int, axes []int64) ([]int, error) {
	if op == "Unsqueeze" {
		r := len(x) + len(axes)
		mark := make([]bool, r)
		for _, ax := range axes {
			i, err := normAxis(ax, r)
			if err != nil || mark[i] {
				return nil, malformed("unsqueeze axes %v for rank %d", axes, len(x))
			}
			mark[i] = true
		}
		out := make([]int, 0, r)
		j := 0
		for i := 0; i < r; i++ {
			if mark[i] {
				out = append(out, 1)
			} else {
				out = append(out, x[j])
				j++
			}
		}
		return out, nil
	}
	drop := make([]bool, len(x))
	if len(axes) == 0 {
		for i, d := range x {
			drop[i] = d == 1
		}
	}
	for _, ax := range axes {
		i, err := normAxis(ax, len(x))
		if err != nil || x[i] != 1 {
			return nil, malformed("squeeze axes %v of %v", axes, x)
		}
		drop[i] = true
	}
	var out []int
	for i, d := range x {
		if !drop[i] {
			out = append(out, d)
		}
	}
	return out, nil
}

func (c *converter) squeezeDyn(n *nodeProto, a attrs, in []*val) error {
	axes, err := c.axesOf(n, a, in)
	if err != nil {
		return err
	}
	out, err := squeezeShape(n.OpType, shapeOf(in[0]), axes)
	if err != nil {
		return err
	}
	return c.reshapeTo(n, n.Inputs[0], out)
}

func (c *converter) transposeDyn(n *nodeProto, a attrs, in []*val) error {
	x, err := c.f32(n, 0)
	if err != nil {
		return err
	}
	perm, err := transposePerm(a, len(x.shape))
	if err != nil {
		return err
	}
	if len(perm) > 0 && x.shape[0] < 0 && perm[0] != 0 {
		return unsupported("transpose %v moves the batch dimension", perm)
	}
	out := make([]int, len(perm))
	for i, p := range perm {
		out[i] = x.shape[p]
	}
	return c.out(n, "transpose", []string{x.rname}, map[string]any{"perm": perm}, runtime.F32, out)
}

func transposePerm(a attrs, r int) ([]int, error) {
	perm, err := toInts(a.ints("perm"))
	if err != nil {
		return nil, err
	}
	if len(perm) == 0 {
		for i := r - 1; i >= 0; i-- {
			perm = append(perm, i)
		}
	}
	if len(perm) != r {
		return nil, malformed("perm %v for rank %d", perm, r)
	}
	seen := make([]bool, r)
	for _, p := range perm {
		if p < 0 || p >= r || seen[p] {
			return nil, malformed("perm %v", perm)
		}
		seen[p] = true
	}
	return perm, nil
}

func (c *converter) concatDyn(n *nodeProto, a attrs, in []*val) error {
	if len(in) == 0 {
		return malformed("Concat of nothing")
	}
	var names []string
	var shapes [][]int
	for i := range in {
		if in[i] == nil {
			continue
		}
		v, err := c.f32(n, i)
		if err != nil {
			return err
		}
		names = append(names, v.rname)
		shapes = append(shapes, v.shape)
	}
	ax, err := normAxis(a.int("axis", 0), len(shapes[0]))
	if err != nil {
		return err
	}
	out := append([]int{}, shapes[0]...)
	out[ax] = 0
	for _, s := range shapes {
		if len(s) != len(out) {
			return malformed("Concat of ranks %d and %d", len(out), len(s))
		}
		for i := range s {
			if i != ax && s[i] != shapes[0][i] {
				return unsupported("Concat of %v and %v", shapes[0], s)
			}
		}
		if s[ax] < 0 {
			return unsupported("Concat along the batch dimension")
		}
		out[ax] += s[ax]
	}
	return c.out(n, "concat", names, map[string]any{"axis": ax}, runtime.F32, out)
}

// sliceArgs reads Slice's constant starts, ends, axes and steps.
func (c *converter) sliceArgs(n *nodeProto, in []*val, rank int) (starts, ends, steps []int64, axes []int, err error) {
	get := func(i int, what string) ([]int64, error) {
		t, err := c.constIn(n, in, i, what)
		if err != nil || t == nil {
			return nil, err
		}
		return t.ints()
	}
	if starts, err = get(1, "starts"); err != nil {
		return
	}
	if ends, err = get(2, "ends"); err != nil {
		return
	}
	ax, err := get(3, "axes")
	if err != nil {
		return
	}
	if steps, err = get(4, "steps"); err != nil {
		return
	}
	if len(starts) != len(ends) || (ax != nil && len(ax) != len(starts)) || (steps != nil && len(steps) != len(starts)) {
		err = malformed("Slice arguments of different lengths")
		return
	}
	seen := map[int]bool{}
	for i := range starts {
		a := int64(i)
		if ax != nil {
			a = ax[i]
		}
		var x int
		if x, err = normAxis(a, rank); err != nil {
			return
		}
		if seen[x] {
			err = malformed("axis %d sliced twice", x)
			return
		}
		seen[x] = true
		axes = append(axes, x)
	}
	if steps == nil {
		steps = make([]int64, len(starts))
		for i := range steps {
			steps[i] = 1
		}
	}
	return
}

func clamp32(v int64) int {
	return int(min(max(v, math.MinInt32), math.MaxInt32))
}

func (c *converter) sliceDyn(n *nodeProto, in []*val) error {
	x, err := c.f32(n, 0)
	if err != nil {
		return err
	}
	starts, ends, steps, axes, err := c.sliceArgs(n, in, len(x.shape))
	if err != nil {
		return err
	}
	out := append([]int{}, x.shape...)
	at := map[string]any{}
	var s, e, st []int
	for i, ax := range axes {
		if x.shape[ax] < 0 {
			if starts[i] == 0 && steps[i] == 1 && ends[i] >= math.MaxInt32 {
				continue // the whole batch
			}
			return unsupported("slicing the batch dimension")
		}
		cnt, err := sliceCount(x.shape[ax], starts[i], ends[i], steps[i])
		if err != nil {
			return malformed("%v", err)
		}
		out[ax] = cnt
		s, e, st = append(s, clamp32(starts[i])), append(e, clamp32(ends[i])), append(st, clamp32(steps[i]))
		at["axes"] = append(intsAt(at["axes"]), ax)
	}
	if len(s) == 0 {
		c.vals[n.Outputs[0]] = c.vals[n.Inputs[0]]
		return nil
	}
	at["starts"], at["ends"], at["steps"] = s, e, st
	return c.out(n, "slice", []string{x.rname}, at, runtime.F32, out)
}

func intsAt(v any) []int {
	if v == nil {
		return nil
	}
	return v.([]int)
}

func (c *converter) pad(n *nodeProto, a attrs, in []*val) error {
	x, err := c.f32(n, 0)
	if err != nil {
		return err
	}
	r := len(x.shape)
	mode := a.str("mode", "constant")
	if mode != "constant" && mode != "reflect" {
		return unsupported("pad mode %q", mode)
	}
	p, err := c.constIn(n, in, 1, "pads")
	if err != nil {
		return err
	}
	if p == nil {
		return malformed("Pad needs pads")
	}
	pads, err := p.ints()
	if err != nil {
		return err
	}
	var value float32
	if v, err := c.constIn(n, in, 2, "constant_value"); err != nil {
		return err
	} else if v != nil {
		if v.len() != 1 {
			return malformed("constant_value of shape %v", v.shape)
		}
		value = v.floats()[0]
	}
	axes := make([]int, r)
	for i := range axes {
		axes[i] = i
	}
	if at, err := c.constIn(n, in, 3, "axes"); err != nil {
		return err
	} else if at != nil {
		ai, err := at.ints()
		if err != nil {
			return err
		}
		axes = axes[:0]
		for _, v := range ai {
			ax, err := normAxis(v, r)
			if err != nil {
				return err
			}
			axes = append(axes, ax)
		}
	}
	if len(pads) != 2*len(axes) {
		return malformed("pads %v for %d axes", pads, len(axes))
	}
	before, after := zeros(r), zeros(r)
	out := append([]int{}, x.shape...)
	for i, ax := range axes {
		b, e := pads[i], pads[len(axes)+i]
		if b < 0 || e < 0 || b > maxElems || e > maxElems {
			return unsupported("pads %v (negative pads crop)", pads)
		}
		if (b != 0 || e != 0) && x.shape[ax] < 0 {
			return unsupported("padding the batch dimension")
		}
		before[ax], after[ax] = int(b), int(e)
		if out[ax] >= 0 {
			out[ax] += int(b + e)
		}
	}
	at := map[string]any{"before": before, "after": after, "mode": mode}
	if value != 0 {
		at["value"] = value
	}
	return c.out(n, "pad", []string{x.rname}, at, runtime.F32, out)
}

func (c *converter) resize(n *nodeProto, a attrs, in []*val) error {
	x, err := c.f32(n, 0)
	if err != nil {
		return err
	}
	if a.str("mode", "nearest") != "nearest" {
		return unsupported("resize mode %q (nearest is supported)", a.str("mode", ""))
	}
	r := len(x.shape)
	if r != 3 && r != 4 {
		return unsupported("resize of rank %d", r)
	}
	var scales []float32
	if n.OpType == "Upsample" {
		t, err := c.constIn(n, in, 1, "scales")
		if err != nil {
			return err
		}
		if t != nil {
			scales = t.floats()
		} else {
			scales = a[("scales")].floatsOrNil()
		}
	} else {
		ctm := a.str("coordinate_transformation_mode", "half_pixel")
		nm := a.str("nearest_mode", "round_prefer_floor")
		ok := (ctm == "asymmetric" && nm == "floor") ||
			((ctm == "half_pixel" || ctm == "pytorch_half_pixel") && (nm == "round_prefer_floor" || nm == "round_prefer_ceil"))
		if !ok {
			return unsupported("resize with coordinate_transformation_mode %q and nearest_mode %q", ctm, nm)
		}
		if t, err := c.constIn(n, in, 2, "scales"); err != nil {
			return err
		} else if t != nil && t.len() > 0 {
			scales = t.floats()
		}
		if scales == nil {
			t, err := c.constIn(n, in, 3, "sizes")
			if err != nil {
				return err
			}
			if t == nil {
				return malformed("Resize without scales or sizes")
			}
			sz, err := t.ints()
			if err != nil || len(sz) != r {
				return malformed("sizes of shape %v", t.shape)
			}
			for i := range sz {
				if i == 0 && x.shape[0] < 0 {
					scales = append(scales, 1)
					continue
				}
				if x.shape[i] == 0 || sz[i]%int64(x.shape[i]) != 0 {
					return unsupported("resize %v to %v is not by an integer factor", x.shape, sz)
				}
				scales = append(scales, float32(sz[i]/int64(x.shape[i])))
			}
		}
	}
	if len(scales) != r || scales[0] != 1 || scales[1] != 1 {
		return unsupported("resize scales %v (want 1 for batch and channels)", scales)
	}
	var s []int
	out := append([]int{}, x.shape[:2]...)
	for i := 2; i < r; i++ {
		f := scales[i]
		if f < 1 || f != float32(int(f)) || f > 1<<16 {
			return unsupported("resize scale %v is not a positive integer", f)
		}
		s = append(s, int(f))
		out = append(out, x.shape[i]*int(f))
	}
	return c.out(n, "upsample", []string{x.rname}, map[string]any{"scale": s}, runtime.F32, out)
}

func (p *attrProto) floatsOrNil() []float32 {
	if p == nil {
		return nil
	}
	return p.Floats
}

func (c *converter) argmax(n *nodeProto, a attrs, in []*val) error {
	x, err := c.f32(n, 0)
	if err != nil {
		return err
	}
	if a.int("select_last_index", 0) != 0 {
		return unsupported("select_last_index")
	}
	ax, err := normAxis(a.int("axis", 0), len(x.shape))
	if err != nil {
		return err
	}
	if x.shape[ax] < 0 {
		return unsupported("argmax over the batch dimension")
	}
	keep := a.int("keepdims", 1) != 0
	out := append([]int{}, x.shape[:ax]...)
	if keep {
		out = append(out, 1)
	}
	out = append(out, x.shape[ax+1:]...)
	return c.out(n, "argmax", []string{x.rname}, map[string]any{"axis": ax, "keepdims": keep}, runtime.S32, out)
}

func (c *converter) topk(n *nodeProto, a attrs, in []*val) error {
	x, err := c.f32(n, 0)
	if err != nil {
		return err
	}
	kt, err := c.constIn(n, in, 1, "k")
	if err != nil {
		return err
	}
	if kt == nil || kt.len() != 1 {
		return malformed("TopK needs a single k")
	}
	kv, err := kt.ints()
	if err != nil {
		return malformed("k: %v", err)
	}
	k := kv[0]
	if a.int("sorted", 1) == 0 {
		return unsupported("unsorted TopK")
	}
	ax, err := normAxis(a.int("axis", -1), len(x.shape))
	if err != nil {
		return err
	}
	if x.shape[ax] < 0 || k < 1 || k > int64(x.shape[ax]) {
		return unsupported("k %d along axis %d of %v", k, ax, x.shape)
	}
	if len(n.Outputs) != 2 {
		return malformed("TopK has %d outputs", len(n.Outputs))
	}
	out := append([]int{}, x.shape...)
	out[ax] = int(k)
	vals, idx := n.Outputs[0], n.Outputs[1]
	if vals == "" {
		vals = c.fresh(nodeHint(n) + "_values")
	}
	if idx == "" {
		idx = c.fresh(nodeHint(n) + "_indices")
	}
	c.emit("topk", c.nodeName(n), []string{x.rname}, []string{vals, idx},
		map[string]any{"k": k, "axis": ax, "largest": a.int("largest", 1) != 0})
	c.setDyn(vals, runtime.F32, out)
	c.setDyn(idx, runtime.S32, out)
	return nil
}

// castDyn converts Cast of a run-time value: float to float is the value
// itself, integers to float a cast node; integer casts of integers keep
// the value (the runtime's integers are I32).
func (c *converter) castDyn(n *nodeProto, a attrs, in []*val) error {
	to := a.int("to", 0)
	v := in[0]
	switch {
	case to == tFloat && (v.dq != nil || v.dt == runtime.F32):
		c.vals[n.Outputs[0]] = v
		return nil
	case to == tFloat:
		r, err := c.dyn(n.Inputs[0])
		if err != nil {
			return err
		}
		return c.out(n, "cast", []string{r}, map[string]any{"dtype": "F32"}, runtime.F32, v.shape)
	case (to == tInt32 || to == tInt64) && v.dt == runtime.S32 && v.dq == nil:
		c.vals[n.Outputs[0]] = v
		return nil
	}
	return unsupported("cast of a %s value to ONNX type %d", v.dt, to)
}

// quantParams reads a per-tensor scale and zero point (inputs 1 and 2).
func (c *converter) quantParams(n *nodeProto, in []*val) (float32, int32, runtime.DType, error) {
	s, err := c.constIn(n, in, 1, "scale")
	if err != nil {
		return 0, 0, 0, err
	}
	if s == nil || s.len() != 1 || !s.isFloat() {
		return 0, 0, 0, unsupported("per-axis quantisation of activations")
	}
	zt, err := c.constIn(n, in, 2, "zero point")
	if err != nil {
		return 0, 0, 0, err
	}
	dt, zero := runtime.U8, int64(0)
	if zt != nil {
		if zt.len() != 1 {
			return 0, 0, 0, unsupported("per-axis quantisation of activations")
		}
		switch zt.dt {
		case tUint8:
		case tInt8:
			dt = runtime.S8
		default:
			return 0, 0, 0, unsupported("quantised type %d (uint8 and int8 are supported)", zt.dt)
		}
		zero = zt.i[0]
	}
	scale := s.f[0]
	if !(scale > 0) || math.IsInf(float64(scale), 0) {
		return 0, 0, 0, malformed("scale %v", scale)
	}
	return scale, int32(zero), dt, nil
}

func (c *converter) quantize(n *nodeProto, a attrs, in []*val) error {
	scale, zero, dt, err := c.quantParams(n, in)
	if err != nil {
		return err
	}
	x, err := c.f32(n, 0)
	if err != nil {
		return err
	}
	return c.out(n, "quantize", []string{x.rname}, map[string]any{"scale": scale, "zero_point": zero, "dtype": dt.String()}, dt, x.shape)
}

func (c *converter) dequantize(n *nodeProto, a attrs, in []*val) error {
	scale, zero, dt, err := c.quantParams(n, in)
	if err != nil {
		return err
	}
	v := in[0]
	if v.dq != nil || v.dt != dt {
		return unsupported("dequantizing a %s value with a %s zero point", v.dt, dt)
	}
	c.vals[n.Outputs[0]] = &val{dt: runtime.F32, shape: v.shape, dq: &dqInfo{src: n.Inputs[0], scale: scale, zero: zero}}
	return nil
}

// qlayer converts DequantizeLinear → Conv/Gemm/MatMul → [Relu] →
// QuantizeLinear into an int8 layer when the pattern's conditions hold;
// it reports false (and emits nothing) when the float path must be taken.
// w is the float weight as [out, in...] (already transposed for dense);
// wT says it was transposed from the ONNX layout.
func (c *converter) qlayer(n *nodeProto, op string, in []*val, at map[string]any, out []int, w *ctensor, wT bool) (bool, error) {
	x, wv := in[0], in[1]
	if x.dq == nil || wv.c == nil || wv.c.qs == nil {
		return false, nil
	}
	xs := c.vals[x.dq.src]
	if xs == nil || xs.c != nil || (xs.dt != runtime.U8 && xs.dt != runtime.S8) {
		return false, nil
	}
	wq := wv.c.qs
	if wq.q.dt != tInt8 {
		return false, nil
	}
	for _, z := range wq.zeros {
		if z != 0 {
			return false, nil
		}
	}
	nOut := w.shape[0]
	wscale := make([]float32, nOut)
	switch {
	case len(wq.scales) == 1:
		for i := range wscale {
			wscale[i] = wq.scales[0]
		}
	case len(wq.scales) == nOut && ((op == "qconv2d" && wq.axis == 0) || (op == "qdense" && wq.axis == map[bool]int{true: 1, false: 0}[wT])):
		copy(wscale, wq.scales)
	default:
		return false, nil
	}
	// The single consumer must quantise the result (through a Relu when
	// the output's zero point already clamps negatives away).
	y := n.Outputs[0]
	var relu *nodeProto
	if c.uses[y] != 1 || len(c.users[y]) != 1 || c.outputs[y] {
		return false, nil
	}
	q := c.users[y][0]
	if q.OpType == "Relu" {
		relu = q
		if c.uses[q.Outputs[0]] != 1 || len(c.users[q.Outputs[0]]) != 1 || c.outputs[q.Outputs[0]] {
			return false, nil
		}
		q = c.users[q.Outputs[0]][0]
	}
	if q.OpType != "QuantizeLinear" || q.Domain != "" || len(q.Inputs) < 2 || len(q.Outputs) != 1 {
		return false, nil
	}
	qin := make([]*val, len(q.Inputs))
	for i, nm := range q.Inputs {
		if nm != "" {
			qin[i] = c.vals[nm]
			if qin[i] == nil && i > 0 {
				return false, nil
			}
		}
	}
	sy, zy, dty, err := c.quantParams(q, qin)
	if err != nil || dty != xs.dt {
		return false, nil
	}
	if relu != nil {
		lo := int32(0)
		if dty == runtime.S8 {
			lo = -128
		}
		if zy != lo {
			return false, nil
		}
	}
	// Integer weights in the layer's layout.
	wint := wq.q
	if wT {
		if wint, err = wint.transpose([]int{1, 0}); err != nil {
			return false, err
		}
	}
	sx := x.dq.scale
	mult := make([]float32, nOut)
	for o := range mult {
		mult[o] = float32(sx*wscale[o]) / sy
		if !(mult[o] > 0) || math.IsInf(float64(mult[o]), 0) {
			return false, nil
		}
	}
	var bias *ctensor
	if len(in) > 2 && in[2] != nil {
		b := in[2].c
		if b == nil || b.len() != nOut {
			return false, nil
		}
		bias = &ctensor{dt: tInt32, shape: []int{nOut}, i: make([]int64, nOut)}
		bf := b.floats()
		for o := range bias.i {
			v := math.RoundToEven(float64(bf[o]) / float64(float32(sx*wscale[o])))
			if math.Abs(v) > math.MaxInt32 {
				return false, nil
			}
			bias.i[o] = int64(v)
		}
		if b.qs != nil && b.qs.q.dt == tInt32 && len(b.qs.scales) >= 1 {
			// A bias quantised at exactly sx·sw keeps its integers.
			exact := true
			for o := range bias.i {
				s := b.qs.scales[min(o, len(b.qs.scales)-1)]
				if s != float32(sx*wscale[o]) || b.qs.zeros[min(o, len(b.qs.zeros)-1)] != 0 {
					exact = false
				}
			}
			if exact {
				copy(bias.i, b.qs.q.i)
			}
		}
	}
	src, err := c.dyn(x.dq.src)
	if err != nil {
		return false, err
	}
	wn, err := c.initializer(n.Inputs[1]+"_q", wint)
	if err != nil {
		return false, err
	}
	if bias == nil {
		// FORMAT.md lists the bias as optional but the runtime requires
		// all four inputs of qconv2d and qdense: give it zeros.
		bias = &ctensor{dt: tInt32, shape: []int{nOut}, i: make([]int64, nOut)}
	}
	bn := ""
	if bias != nil {
		if bn, err = c.initializer(nodeHint(n)+"_bias_q", bias); err != nil {
			return false, err
		}
	}
	mn, err := c.initializer(nodeHint(n)+"_mult", &ctensor{dt: tFloat, shape: []int{nOut}, f: mult})
	if err != nil {
		return false, err
	}
	qa := map[string]any{"x_zero": x.dq.zero, "y_zero": zy}
	for k, v := range at {
		qa[k] = v
	}
	name := q.Outputs[0]
	if _, err := numel(positive(out)); err != nil {
		return false, unsupported("output shape: %v", err)
	}
	c.emit(op, c.nodeName(n), []string{src, wn, bn, mn}, []string{name}, qa)
	c.setDyn(name, dty, out)
	c.skip[q] = true
	if relu != nil {
		c.skip[relu] = true
	}
	return true, nil
}

// throughDQ applies a shape-only op to the quantised value behind a pending
// dequantisation of input 0 and leaves the dequantisation pending.
func (c *converter) throughDQ(n *nodeProto, apply func(*nodeProto) error) error {
	v := c.vals[n.Inputs[0]]
	q := &nodeProto{Name: n.Name, OpType: n.OpType, Inputs: append([]string{v.dq.src}, n.Inputs[1:]...),
		Outputs: []string{c.fresh(n.Outputs[0] + "_q")}}
	if err := apply(q); err != nil {
		return err
	}
	qv := c.vals[q.Outputs[0]]
	c.vals[n.Outputs[0]] = &val{dt: runtime.F32, shape: qv.shape, dq: &dqInfo{src: q.Outputs[0], scale: v.dq.scale, zero: v.dq.zero}}
	return nil
}

// biasAdd finds the single Add consuming name with a constant vector of
// nOut values (shape [nOut] or [1, ..., nOut]) on the other side.
func (c *converter) biasAdd(name string, nOut int) (*nodeProto, *ctensor) {
	if c.uses[name] != 1 || len(c.users[name]) != 1 || c.outputs[name] {
		return nil, nil
	}
	add := c.users[name][0]
	if add.OpType != "Add" || add.Domain != "" || len(add.Inputs) != 2 || len(add.Outputs) != 1 {
		return nil, nil
	}
	other := add.Inputs[0]
	if other == name {
		other = add.Inputs[1]
	}
	v := c.vals[other]
	if v == nil || v.c == nil || v.c.len() != nOut || len(v.c.shape) == 0 || v.c.shape[len(v.c.shape)-1] != nOut {
		return nil, nil
	}
	return add, &ctensor{dt: tFloat, shape: []int{nOut}, f: v.c.floats()}
}

func (c *converter) layernorm(n *nodeProto, a attrs, in []*val) error {
	for _, o := range n.Outputs[1:] {
		if o != "" && c.uses[o] > 0 {
			return unsupported("the mean and inverse deviation outputs are used")
		}
	}
	x, err := c.f32(n, 0)
	if err != nil {
		return err
	}
	ax, err := normAxis(a.int("axis", -1), len(x.shape))
	if err != nil {
		return err
	}
	if ax == 0 && x.shape[0] < 0 {
		return unsupported("normalising over the batch dimension")
	}
	ins := []string{x.rname}
	for i := 1; i < 3; i++ {
		t, err := c.constIn(n, in, i, []string{"", "scale", "bias"}[i])
		if err != nil {
			return err
		}
		if t == nil {
			ins = append(ins, "")
			continue
		}
		if t.len() != prodPos(x.shape[ax:]) {
			return unsupported("%s of shape %v for axes %v", []string{"", "scale", "bias"}[i], t.shape, x.shape[ax:])
		}
		r, err := c.dyn(n.Inputs[i])
		if err != nil {
			return err
		}
		ins = append(ins, r)
	}
	for len(ins) > 1 && ins[len(ins)-1] == "" {
		ins = ins[:len(ins)-1]
	}
	return c.out(n, "layer_norm", ins, map[string]any{"axis": ax, "epsilon": a.float("epsilon", 1e-5)}, runtime.F32, x.shape)
}

// reduceMean converts a mean over all axes after the channel axis (as
// x.mean((2, 3)) exports) into global_avg_pool.
func (c *converter) reduceMean(n *nodeProto, a attrs, in []*val) error {
	x, err := c.f32(n, 0)
	if err != nil {
		return err
	}
	r := len(x.shape)
	axes := a.ints("axes")
	if len(in) > 1 && in[1] != nil { // opset 18 moves axes to an input
		t, err := c.constIn(n, in, 1, "axes")
		if err != nil {
			return err
		}
		if axes, err = t.ints(); err != nil {
			return err
		}
	}
	seen := make([]bool, r)
	for _, v := range axes {
		ax, err := normAxis(v, r)
		if err != nil {
			return err
		}
		seen[ax] = true
	}
	if r < 3 || len(axes) != r-2 || seen[0] || seen[1] {
		return unsupported("ReduceMean over axes %v of rank %d (only the axes after the channels are supported)", axes, r)
	}
	pooled := append([]int{}, x.shape[:2]...)
	for range x.shape[2:] {
		pooled = append(pooled, 1)
	}
	if a.int("keepdims", 1) != 0 {
		return c.out(n, "global_avg_pool", []string{x.rname}, nil, runtime.F32, pooled)
	}
	tmp := c.fresh(n.Outputs[0] + "_pooled")
	c.emit("global_avg_pool", tmp, []string{x.rname}, []string{tmp}, nil)
	spec := []int{0, x.shape[1]}
	if x.shape[0] >= 0 {
		spec[0] = x.shape[0]
	}
	return c.out(n, "reshape", []string{tmp}, map[string]any{"shape": spec}, runtime.F32, x.shape[:2])
}
