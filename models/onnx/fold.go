package onnx

import (
	"math"
)

// setConst records a folded value.
func (c *converter) setConst(name string, t *ctensor) {
	c.vals[name] = &val{c: t}
}

// fold0 evaluates the nodes that produce constants whatever their inputs:
// Constant, and Shape (the shapes of run-time values are known at import,
// the batch size as batchSym).
func (c *converter) fold0(n *nodeProto, a attrs, in []*val) error {
	switch n.OpType {
	case "Constant":
		var t *ctensor
		var err error
		switch {
		case a["value"] != nil && a["value"].T != nil:
			t, err = tensorFromProto(a["value"].T)
			if err != nil {
				return malformed("%v", err)
			}
		case a["value_float"] != nil:
			t = scalarF(a["value_float"].F)
		case a["value_floats"] != nil:
			t = &ctensor{dt: tFloat, shape: []int{len(a["value_floats"].Floats)}, f: a["value_floats"].Floats}
		case a["value_int"] != nil:
			t = &ctensor{dt: tInt64, shape: []int{}, i: []int64{a["value_int"].I}}
		case a["value_ints"] != nil:
			t = intsConst(a["value_ints"].Ints)
		default:
			return unsupported("Constant without a tensor, float or int value")
		}
		c.setConst(n.Outputs[0], t)
		return nil
	case "Shape":
		if len(in) != 1 || in[0] == nil {
			return malformed("Shape needs one input")
		}
		s := shapeOf(in[0])
		dims := make([]int64, len(s))
		for i, d := range s {
			dims[i] = int64(d)
			if d < 0 {
				dims[i] = batchSym
			}
		}
		r := int64(len(s))
		start, end := a.int("start", 0), a.int("end", r)
		if start < 0 {
			start += r
		}
		if end < 0 {
			end += r
		}
		start, end = min(max(start, 0), r), min(max(end, 0), r)
		if end < start {
			end = start
		}
		c.setConst(n.Outputs[0], intsConst(dims[start:end]))
		return nil
	}
	_, err := c.fold(n, a, in)
	return err
}

// fold evaluates a node whose inputs are all constants. It reports false
// for ops it does not evaluate; those run in the graph with their
// constant inputs stored as initializers.
func (c *converter) fold(n *nodeProto, a attrs, in []*val) (bool, error) {
	ct := func(i int) *ctensor {
		if i < len(in) && in[i] != nil {
			return in[i].c
		}
		return nil
	}
	x := ct(0)
	var out *ctensor
	var err error
	switch n.OpType {
	case "Identity", "Dropout":
		out = x
	case "Cast":
		out, err = x.cast(a.int("to", 0))
	case "Add", "Sub", "Mul", "Div":
		if ct(1) == nil {
			return true, malformed("%s needs two inputs", n.OpType)
		}
		out, err = binaryConst(n.OpType, x, ct(1))
	case "Neg":
		out, err = binaryConst("Mul", x, &ctensor{dt: x.dt, shape: []int{}, f: []float32{-1}, i: []int64{-1}})
	case "Gather":
		out, err = gatherConst(x, ct(1), a.int("axis", 0))
	case "Unsqueeze", "Squeeze":
		var axes []int64
		if axes, err = c.axesOf(n, a, in); err == nil {
			var s []int
			if s, err = squeezeShape(n.OpType, x.shape, axes); err == nil {
				out, err = x.reshaped(s)
			}
		}
	case "Reshape":
		if ct(1) == nil {
			return true, malformed("Reshape needs a shape")
		}
		var spec []int64
		if spec, err = ct(1).ints(); err == nil {
			var s []int
			if s, err = resolveReshape(x.shape, spec, a.int("allowzero", 0) != 0); err == nil {
				out, err = x.reshaped(s)
			}
		}
	case "Flatten":
		var ax int
		if ax, err = normAxis(a.int("axis", 1), len(x.shape)+1); err == nil {
			out, err = x.reshaped([]int{prodPos(x.shape[:ax]), prodPos(x.shape[ax:])})
		}
	case "Concat":
		var ts []*ctensor
		for i := range in {
			if ct(i) != nil {
				ts = append(ts, ct(i))
			}
		}
		if len(ts) == 0 {
			return true, malformed("Concat of nothing")
		}
		var ax int
		if ax, err = normAxis(a.int("axis", 0), len(ts[0].shape)); err == nil {
			out, err = concatConst(ax, ts)
		}
	case "Transpose":
		var perm []int
		if perm, err = transposePerm(a, len(x.shape)); err == nil {
			out, err = x.transpose(perm)
		}
	case "Slice":
		var starts, ends, steps []int64
		var axes []int
		if starts, ends, steps, axes, err = c.sliceArgs(n, in, len(x.shape)); err == nil {
			out = x
			for i, ax := range axes {
				var idx []int
				if idx, err = sliceAxis(x.shape[ax], starts[i], ends[i], steps[i]); err != nil {
					break
				}
				if out, err = out.take(ax, idx); err != nil {
					break
				}
			}
		}
	case "ConstantOfShape":
		var dims []int64
		if dims, err = x.ints(); err == nil {
			var s []int
			for _, d := range dims {
				if d < 0 || d > maxElems {
					return true, unsupported("ConstantOfShape of %v", dims)
				}
				s = append(s, int(d))
			}
			dt := int64(tFloat)
			fill := []float32{0}
			var ifill int64
			if v := a["value"]; v != nil && v.T != nil {
				var t *ctensor
				if t, err = tensorFromProto(v.T); err != nil || t.len() != 1 {
					return true, malformed("ConstantOfShape value")
				}
				dt = t.dt
				if t.isFloat() {
					fill = t.f
				} else {
					ifill = t.i[0]
				}
			}
			if out, err = newConst(dt, s); err == nil {
				for k := range out.f {
					out.f[k] = fill[0]
				}
				for k := range out.i {
					out.i[k] = ifill
				}
			}
		}
	case "DequantizeLinear":
		out, err = dequantizeConst(x, ct(1), ct(2), a.int("axis", 1))
	case "Range":
		out, err = rangeConst(x, ct(1), ct(2))
	default:
		return false, nil
	}
	if err != nil {
		return true, err
	}
	if out == nil {
		return true, malformed("%s has no input", n.OpType)
	}
	c.setConst(n.Outputs[0], out)
	return true, nil
}

func gatherConst(x, idx *ctensor, axis int64) (*ctensor, error) {
	if x == nil || idx == nil {
		return nil, malformed("Gather needs data and indices")
	}
	ax, err := normAxis(axis, len(x.shape))
	if err != nil {
		return nil, err
	}
	ii, err := idx.ints()
	if err != nil {
		return nil, err
	}
	d := x.shape[ax]
	pick := make([]int, len(ii))
	for k, v := range ii {
		if v < 0 {
			v += int64(d)
		}
		if v < 0 || v >= int64(d) {
			return nil, malformed("gather index %d out of range %d", ii[k], d)
		}
		pick[k] = int(v)
	}
	t, err := x.take(ax, pick)
	if err != nil {
		return nil, err
	}
	shape := append(append(append([]int{}, x.shape[:ax]...), idx.shape...), x.shape[ax+1:]...)
	return t.reshaped(shape)
}

// dequantizeConst folds DequantizeLinear of constant integers, keeping
// them (with the scales) for int8 layers.
func dequantizeConst(x, scale, zero *ctensor, axis int64) (*ctensor, error) {
	if x == nil || scale == nil || x.isFloat() || !scale.isFloat() {
		return nil, malformed("DequantizeLinear of a constant needs integer data and a float scale")
	}
	if scale.len() == 0 {
		return nil, malformed("DequantizeLinear without a scale")
	}
	q := &qsrc{q: x, scales: scale.f, zeros: make([]int64, scale.len())}
	if zero != nil {
		if zero.isFloat() || zero.len() != scale.len() {
			return nil, malformed("zero point of shape %v for scale %v", zero.shape, scale.shape)
		}
		q.zeros = zero.i
	}
	out, err := newConstMax(tFloat, x.shape, x.len())
	if err != nil {
		return nil, err
	}
	if scale.len() == 1 {
		for k, v := range x.i {
			out.f[k] = float32(v-q.zeros[0]) * scale.f[0]
		}
		out.qs = q
		return out, nil
	}
	ax, err := normAxis(axis, len(x.shape))
	if err != nil {
		return nil, err
	}
	if scale.len() != x.shape[ax] || len(scale.shape) != 1 {
		return nil, malformed("%d scales for axis %d of %v", scale.len(), ax, x.shape)
	}
	q.axis = ax
	inner := prodPos(x.shape[ax+1:])
	for k, v := range x.i {
		ch := (k / inner) % x.shape[ax]
		out.f[k] = float32(v-q.zeros[ch]) * scale.f[ch]
	}
	out.qs = q
	return out, nil
}

func rangeConst(start, limit, delta *ctensor) (*ctensor, error) {
	if start == nil || limit == nil || delta == nil || start.len() != 1 || limit.len() != 1 || delta.len() != 1 {
		return nil, malformed("Range needs three scalars")
	}
	if start.isFloat() != limit.isFloat() || start.isFloat() != delta.isFloat() {
		return nil, malformed("Range of mixed types")
	}
	if start.isFloat() {
		s, l, d := float64(start.f[0]), float64(limit.f[0]), float64(delta.f[0])
		if d == 0 || math.IsNaN(s+l+d) {
			return nil, malformed("Range step %v", d)
		}
		n := math.Max(math.Ceil((l-s)/d), 0)
		if n > foldMax {
			return nil, malformed("Range of %v elements", n)
		}
		out := &ctensor{dt: tFloat, shape: []int{int(n)}, f: make([]float32, int(n))}
		for k := range out.f {
			out.f[k] = float32(s + float64(k)*d)
		}
		return out, nil
	}
	s, l, d := start.i[0], limit.i[0], delta.i[0]
	if d == 0 || s == batchSym || l == batchSym || d == batchSym {
		return nil, unsupported("Range(%d, %d, %d)", s, l, d)
	}
	n := math.Max(math.Ceil((float64(l)-float64(s))/float64(d)), 0)
	if n > foldMax {
		return nil, malformed("Range of %v elements", n)
	}
	out := &ctensor{dt: start.dt, shape: []int{int(n)}, i: make([]int64, int(n))}
	for k := range out.i {
		out.i[k] = s + int64(k)*d
	}
	return out, nil
}

// findGelu spots the erf form of GELU torch.onnx.export writes before
// opset 20: Div(x, √2) → Erf → Add(1) → Mul(x, ·) → Mul(·, 0.5), each
// intermediate used once, and marks it to become one gelu node.
func (c *converter) findGelu(order []*nodeProto) {
	prod := map[string]*nodeProto{}
	for _, n := range order {
		for _, o := range n.Outputs {
			prod[o] = n
		}
	}
	constNear := func(name string, want float64) bool {
		v := c.vals[name]
		if v == nil || v.c == nil {
			// A Constant node's value is known only once converted: look
			// at the node itself.
			p := prod[name]
			if p == nil || p.OpType != "Constant" || len(p.Attrs) != 1 || p.Attrs[0].T == nil {
				return false
			}
			t, err := tensorFromProto(p.Attrs[0].T)
			if err != nil || t.len() != 1 {
				return false
			}
			return math.Abs(float64(t.floats()[0])-want) < 1e-4*math.Abs(want)
		}
		return v.c.len() == 1 && math.Abs(float64(v.c.floats()[0])-want) < 1e-4*math.Abs(want)
	}
	single := func(name string) *nodeProto {
		if c.uses[name] != 1 || c.outputs[name] || len(c.users[name]) != 1 {
			return nil
		}
		return c.users[name][0]
	}
	other := func(n *nodeProto, name string) (string, bool) {
		if len(n.Inputs) != 2 {
			return "", false
		}
		if n.Inputs[0] == name {
			return n.Inputs[1], true
		}
		if n.Inputs[1] == name {
			return n.Inputs[0], true
		}
		return "", false
	}
	// SiLU: Sigmoid(x) used once, by Mul(x, ·).
	for _, sg := range order {
		if sg.OpType != "Sigmoid" || len(sg.Inputs) != 1 || len(sg.Outputs) != 1 {
			continue
		}
		mul := single(sg.Outputs[0])
		if mul == nil || mul.OpType != "Mul" {
			continue
		}
		if x, ok := other(mul, sg.Outputs[0]); ok && x == sg.Inputs[0] {
			c.skip[sg] = true
			c.silu[mul] = x
		}
	}
	for _, erf := range order {
		if erf.OpType != "Erf" || len(erf.Inputs) != 1 || len(erf.Outputs) != 1 {
			continue
		}
		div := prod[erf.Inputs[0]]
		if div == nil || len(div.Inputs) != 2 || single(div.Outputs[0]) != erf {
			continue
		}
		x := div.Inputs[0]
		if !((div.OpType == "Div" && constNear(div.Inputs[1], math.Sqrt2)) || (div.OpType == "Mul" && constNear(div.Inputs[1], 1/math.Sqrt2))) {
			continue
		}
		add := single(erf.Outputs[0])
		if add == nil || add.OpType != "Add" {
			continue
		}
		if one, ok := other(add, erf.Outputs[0]); !ok || !constNear(one, 1) {
			continue
		}
		mul1 := single(add.Outputs[0])
		if mul1 == nil || mul1.OpType != "Mul" {
			continue
		}
		xx, ok := other(mul1, add.Outputs[0])
		if !ok {
			continue
		}
		if xx != x {
			// The other order: Mul(Mul(x, 0.5), Add(Erf, 1)).
			half := prod[xx]
			if half == nil || half.OpType != "Mul" || single(xx) != mul1 {
				continue
			}
			if h, ok := other(half, x); !ok || !constNear(h, 0.5) {
				continue
			}
			for _, s := range []*nodeProto{div, erf, add, half} {
				c.skip[s] = true
			}
			c.gelu[mul1] = x
			continue
		}
		mul2 := single(mul1.Outputs[0])
		if mul2 == nil || mul2.OpType != "Mul" {
			continue
		}
		if half, ok := other(mul2, mul1.Outputs[0]); !ok || !constNear(half, 0.5) {
			continue
		}
		for _, s := range []*nodeProto{div, erf, add, mul1} {
			c.skip[s] = true
		}
		c.gelu[mul2] = x
	}
}
