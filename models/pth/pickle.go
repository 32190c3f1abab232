package pth

import (
	"encoding/binary"
	"math"
	"strconv"
	"unicode/utf8"
)

// The values the pickle machine builds. Tuples and lists stay distinct
// because torch.save's tensor arguments are tuples.
type (
	tuple []any
	list  struct{ items []any }
	mark  struct{}
	// global is a name resolved by GLOBAL/STACK_GLOBAL; only allowed names
	// become globals.
	global struct{ module, name string }
	dict   struct {
		items []kv
		index map[any]int // string, int64 and bool keys
	}
	kv struct{ key, value any }
)

func newDict() *dict { return &dict{index: map[any]int{}} }

func (d *dict) set(k, v any) {
	switch k.(type) {
	case string, int64, bool:
		if i, ok := d.index[k]; ok {
			d.items[i].value = v
			return
		}
		d.index[k] = len(d.items)
	}
	d.items = append(d.items, kv{k, v})
}

func (d *dict) get(k string) (any, bool) {
	if i, ok := d.index[k]; ok {
		return d.items[i].value, true
	}
	return nil, false
}

// Callables and type markers a torch.save pickle may name. Everything else
// is refused at the GLOBAL opcode, before it could be called.
var allowedGlobals = map[global]bool{
	{"collections", "OrderedDict"}:                    true,
	{"torch._utils", "_rebuild_tensor"}:               true,
	{"torch._utils", "_rebuild_tensor_v2"}:            true,
	{"torch._utils", "_rebuild_parameter"}:            true,
	{"torch._utils", "_rebuild_parameter_with_state"}: true,
	{"torch._tensor", "_rebuild_from_type_v2"}:        true,
	// Type markers: arguments of _rebuild_from_type_v2, never called.
	{"torch.nn.parameter", "Parameter"}: true,
	{"torch._tensor", "Tensor"}:         true,
	{"torch", "Tensor"}:                 true,
}

func isStorageGlobal(g global) bool {
	if g.module != "torch" {
		return false
	}
	_, ok := storageDType(g.name)
	return ok
}

// machine is a pickle virtual machine restricted to what torch.save writes.
type machine struct {
	code  []byte
	pos   int
	stack []any
	marks []int
	memo  map[int64]any
	arc   *archive
}

func (m *machine) read(n int) ([]byte, error) {
	if n < 0 || n > len(m.code)-m.pos {
		return nil, errf("pickle truncated at byte %d (need %d more)", m.pos, n)
	}
	b := m.code[m.pos : m.pos+n]
	m.pos += n
	return b, nil
}

func (m *machine) line() (string, error) {
	for i := m.pos; i < len(m.code); i++ {
		if m.code[i] == '\n' {
			s := string(m.code[m.pos:i])
			m.pos = i + 1
			return s, nil
		}
	}
	return "", errf("pickle truncated in a text argument at byte %d", m.pos)
}

func (m *machine) push(v any) { m.stack = append(m.stack, v) }

func (m *machine) pop() (any, error) {
	if len(m.stack) == 0 || (len(m.marks) > 0 && len(m.stack) == m.marks[len(m.marks)-1]) {
		return nil, errf("pickle stack underflow at byte %d", m.pos)
	}
	v := m.stack[len(m.stack)-1]
	m.stack = m.stack[:len(m.stack)-1]
	return v, nil
}

func (m *machine) top() (any, error) {
	if len(m.stack) == 0 || (len(m.marks) > 0 && len(m.stack) == m.marks[len(m.marks)-1]) {
		return nil, errf("pickle stack underflow at byte %d", m.pos)
	}
	return m.stack[len(m.stack)-1], nil
}

// popMark returns the items pushed since the last MARK and removes them.
func (m *machine) popMark() ([]any, error) {
	if len(m.marks) == 0 {
		return nil, errf("pickle has no MARK at byte %d", m.pos)
	}
	k := m.marks[len(m.marks)-1]
	m.marks = m.marks[:len(m.marks)-1]
	items := append([]any(nil), m.stack[k:]...)
	m.stack = m.stack[:k]
	return items, nil
}

func (m *machine) memoPut(k int64) error {
	v, err := m.top()
	if err != nil {
		return err
	}
	if m.memo == nil {
		m.memo = map[int64]any{}
	}
	m.memo[k] = v
	return nil
}

func (m *machine) memoGet(k int64) error {
	v, ok := m.memo[k]
	if !ok {
		return errf("pickle reads memo slot %d that was never written", k)
	}
	m.push(v)
	return nil
}

func (m *machine) global(module, name string) error {
	g := global{module, name}
	if !allowedGlobals[g] && !isStorageGlobal(g) {
		return &ForbiddenGlobalError{Module: module, Name: name}
	}
	m.push(g)
	return nil
}

func (m *machine) run() (any, error) {
	le := binary.LittleEndian
	for {
		b, err := m.read(1)
		if err != nil {
			return nil, err
		}
		op := b[0]
		switch op {
		case 0x80: // PROTO
			p, err := m.read(1)
			if err != nil {
				return nil, err
			}
			if p[0] > 5 {
				return nil, errf("pickle protocol %d", p[0])
			}
		case 0x95: // FRAME: a length hint only
			if _, err := m.read(8); err != nil {
				return nil, err
			}
		case '.': // STOP
			v, err := m.pop()
			if err != nil {
				return nil, err
			}
			return v, nil
		case '(': // MARK
			m.marks = append(m.marks, len(m.stack))
		case '0': // POP
			if _, err := m.pop(); err != nil {
				return nil, err
			}
		case '1': // POP_MARK
			if _, err := m.popMark(); err != nil {
				return nil, err
			}
		case '2': // DUP
			v, err := m.top()
			if err != nil {
				return nil, err
			}
			m.push(v)
		case 'N':
			m.push(nil)
		case 0x88:
			m.push(true)
		case 0x89:
			m.push(false)
		case 'J': // BININT
			a, err := m.read(4)
			if err != nil {
				return nil, err
			}
			m.push(int64(int32(le.Uint32(a))))
		case 'K': // BININT1
			a, err := m.read(1)
			if err != nil {
				return nil, err
			}
			m.push(int64(a[0]))
		case 'M': // BININT2
			a, err := m.read(2)
			if err != nil {
				return nil, err
			}
			m.push(int64(le.Uint16(a)))
		case 0x8a, 0x8b: // LONG1, LONG4
			var n int
			if op == 0x8a {
				a, err := m.read(1)
				if err != nil {
					return nil, err
				}
				n = int(a[0])
			} else {
				a, err := m.read(4)
				if err != nil {
					return nil, err
				}
				n = int(int32(le.Uint32(a)))
			}
			if n < 0 || n > 8 {
				return nil, errf("integer of %d bytes at byte %d (at most 8 supported)", n, m.pos)
			}
			a, err := m.read(n)
			if err != nil {
				return nil, err
			}
			var v uint64
			for i := n - 1; i >= 0; i-- {
				v = v<<8 | uint64(a[i])
			}
			if n > 0 && n < 8 && a[n-1]&0x80 != 0 { // sign-extend
				v |= ^uint64(0) << (8 * n)
			}
			m.push(int64(v))
		case 'I': // INT (text)
			s, err := m.line()
			if err != nil {
				return nil, err
			}
			switch s {
			case "00":
				m.push(false)
			case "01":
				m.push(true)
			default:
				v, err := strconv.ParseInt(s, 10, 64)
				if err != nil {
					return nil, errf("bad INT %q", truncate(s, 40))
				}
				m.push(v)
			}
		case 'G': // BINFLOAT, big-endian
			a, err := m.read(8)
			if err != nil {
				return nil, err
			}
			m.push(math.Float64frombits(binary.BigEndian.Uint64(a)))
		case 'X', 0x8c, 0x8d, 'T', 'U', 'B', 'C', 0x8e: // strings and bytes
			var n int64
			switch op {
			case 0x8c, 'U', 'C':
				a, err := m.read(1)
				if err != nil {
					return nil, err
				}
				n = int64(a[0])
			case 'X', 'T', 'B':
				a, err := m.read(4)
				if err != nil {
					return nil, err
				}
				n = int64(le.Uint32(a))
			default:
				a, err := m.read(8)
				if err != nil {
					return nil, err
				}
				n = int64(le.Uint64(a))
			}
			if n < 0 || n > int64(len(m.code)-m.pos) {
				return nil, errf("string of %d bytes runs past the pickle end", n)
			}
			a, _ := m.read(int(n))
			switch op {
			case 'B', 'C', 0x8e:
				m.push(append([]byte(nil), a...))
			case 'X', 0x8c, 0x8d:
				if !utf8.Valid(a) {
					return nil, errf("invalid UTF-8 string at byte %d", m.pos)
				}
				m.push(string(a))
			default:
				m.push(string(a))
			}
		case ')':
			m.push(tuple{})
		case 't':
			items, err := m.popMark()
			if err != nil {
				return nil, err
			}
			m.push(tuple(items))
		case 0x85, 0x86, 0x87: // TUPLE1..3
			n := int(op - 0x84)
			t := make(tuple, n)
			for i := n - 1; i >= 0; i-- {
				if t[i], err = m.pop(); err != nil {
					return nil, err
				}
			}
			m.push(t)
		case ']':
			m.push(&list{})
		case 'l':
			items, err := m.popMark()
			if err != nil {
				return nil, err
			}
			m.push(&list{items: items})
		case 'a', 'e': // APPEND, APPENDS
			var items []any
			if op == 'a' {
				v, err := m.pop()
				if err != nil {
					return nil, err
				}
				items = []any{v}
			} else if items, err = m.popMark(); err != nil {
				return nil, err
			}
			t, err := m.top()
			if err != nil {
				return nil, err
			}
			l, ok := t.(*list)
			if !ok {
				return nil, errf("APPEND to %s", typeName(t))
			}
			l.items = append(l.items, items...)
		case '}':
			m.push(newDict())
		case 'd', 's', 'u': // DICT, SETITEM, SETITEMS
			var items []any
			if op == 's' {
				v, err := m.pop()
				if err != nil {
					return nil, err
				}
				k, err := m.pop()
				if err != nil {
					return nil, err
				}
				items = []any{k, v}
			} else if items, err = m.popMark(); err != nil {
				return nil, err
			}
			if len(items)%2 != 0 {
				return nil, errf("odd number of dict items at byte %d", m.pos)
			}
			var d *dict
			if op == 'd' {
				d = newDict()
				m.push(d)
			} else {
				t, err := m.top()
				if err != nil {
					return nil, err
				}
				var ok bool
				if d, ok = t.(*dict); !ok {
					return nil, errf("SETITEM on %s", typeName(t))
				}
			}
			for i := 0; i < len(items); i += 2 {
				if !hashable(items[i]) {
					return nil, errf("unhashable dict key %s", typeName(items[i]))
				}
				d.set(items[i], items[i+1])
			}
		case 'c': // GLOBAL
			mod, err := m.line()
			if err != nil {
				return nil, err
			}
			name, err := m.line()
			if err != nil {
				return nil, err
			}
			if err := m.global(mod, name); err != nil {
				return nil, err
			}
		case 0x93: // STACK_GLOBAL
			n, err := m.pop()
			if err != nil {
				return nil, err
			}
			mod, err := m.pop()
			if err != nil {
				return nil, err
			}
			ms, ok1 := mod.(string)
			ns, ok2 := n.(string)
			if !ok1 || !ok2 {
				return nil, errf("STACK_GLOBAL of %s, %s", typeName(mod), typeName(n))
			}
			if err := m.global(ms, ns); err != nil {
				return nil, err
			}
		case 'R': // REDUCE
			args, err := m.pop()
			if err != nil {
				return nil, err
			}
			fn, err := m.pop()
			if err != nil {
				return nil, err
			}
			v, err := m.call(fn, args)
			if err != nil {
				return nil, err
			}
			m.push(v)
		case 'b': // BUILD: only the state torch attaches to dicts and tensors
			state, err := m.pop()
			if err != nil {
				return nil, err
			}
			obj, err := m.top()
			if err != nil {
				return nil, err
			}
			switch obj.(type) {
			case *dict, *Tensor:
			default:
				return nil, errf("BUILD on %s", typeName(obj))
			}
			_ = state
		case 'Q': // BINPERSID
			pid, err := m.pop()
			if err != nil {
				return nil, err
			}
			s, err := m.persistent(pid)
			if err != nil {
				return nil, err
			}
			m.push(s)
		case 'q', 'r', 0x94, 'p': // BINPUT, LONG_BINPUT, MEMOIZE, PUT
			var k int64
			switch op {
			case 'q':
				a, err := m.read(1)
				if err != nil {
					return nil, err
				}
				k = int64(a[0])
			case 'r':
				a, err := m.read(4)
				if err != nil {
					return nil, err
				}
				k = int64(le.Uint32(a))
			case 'p':
				s, err := m.line()
				if err != nil {
					return nil, err
				}
				if k, err = strconv.ParseInt(s, 10, 64); err != nil {
					return nil, errf("bad PUT %q", truncate(s, 40))
				}
			default:
				k = int64(len(m.memo))
			}
			if err := m.memoPut(k); err != nil {
				return nil, err
			}
		case 'h', 'j', 'g': // BINGET, LONG_BINGET, GET
			var k int64
			switch op {
			case 'h':
				a, err := m.read(1)
				if err != nil {
					return nil, err
				}
				k = int64(a[0])
			case 'j':
				a, err := m.read(4)
				if err != nil {
					return nil, err
				}
				k = int64(le.Uint32(a))
			default:
				s, err := m.line()
				if err != nil {
					return nil, err
				}
				if k, err = strconv.ParseInt(s, 10, 64); err != nil {
					return nil, errf("bad GET %q", truncate(s, 40))
				}
			}
			if err := m.memoGet(k); err != nil {
				return nil, err
			}
		default:
			return nil, errf("unsupported pickle opcode 0x%02x at byte %d", op, m.pos-1)
		}
	}
}

// maxKeyDepth and maxKeyNodes bound the tuple keys hashable inspects, so
// that a hostile pickle of deeply nested tuples, or of tuples sharing
// sub-tuples (a DAG whose expansion is exponential), cannot exhaust the stack
// or the CPU here. torch.save writes string keys only.
const (
	maxKeyDepth = 32
	maxKeyNodes = 1024
)

func hashable(v any) bool {
	budget := maxKeyNodes
	return hashableDepth(v, 0, &budget)
}

func hashableDepth(v any, depth int, budget *int) bool {
	*budget--
	if *budget < 0 {
		return false
	}
	switch v := v.(type) {
	case nil, bool, int64, float64, string, global:
		return true
	case tuple:
		if depth >= maxKeyDepth {
			return false
		}
		for _, x := range v {
			if !hashableDepth(x, depth+1, budget) {
				return false
			}
		}
		return true
	}
	return false
}

// persistent resolves torch.save's storage id
// ('storage', torch.XStorage, key, location, numel).
func (m *machine) persistent(pid any) (*storage, error) {
	t, ok := pid.(tuple)
	if !ok || len(t) != 5 {
		return nil, errf("persistent id is %s, want a 5-tuple", typeName(pid))
	}
	if s, _ := t[0].(string); s != "storage" {
		return nil, errf("persistent id kind %s, want 'storage'", typeName(t[0]))
	}
	g, ok := t[1].(global)
	if !ok || !isStorageGlobal(g) {
		return nil, errf("persistent id storage type is %s", typeName(t[1]))
	}
	key, ok := t[2].(string)
	if !ok || key == "" || len(key) > 64 {
		return nil, errf("persistent id key is %s", typeName(t[2]))
	}
	for _, c := range key {
		if c == '/' || c == '\\' || c == '.' {
			return nil, errf("persistent id key %q is not a plain name", key)
		}
	}
	if _, ok := t[3].(string); !ok {
		return nil, errf("persistent id location is %s", typeName(t[3]))
	}
	numel, ok := t[4].(int64)
	if !ok || numel < 0 {
		return nil, errf("persistent id size is %s", typeName(t[4]))
	}
	dt, _ := storageDType(g.name)
	if numel > m.arc.lim.MaxBytes/int64(dt.Size()) {
		return nil, limitf("storage %q of %d elements", key, numel)
	}
	if s, ok := m.arc.storages[key]; ok {
		if s.dtype != dt || s.numel != numel {
			return nil, errf("storage %q declared twice with different type or size", key)
		}
		return s, nil
	}
	s := &storage{key: key, dtype: dt, numel: numel}
	m.arc.storages[key] = s
	return s, nil
}

func intTuple(v any, what string) ([]int64, error) {
	t, ok := v.(tuple)
	if !ok {
		return nil, errf("tensor %s is %s, want a tuple", what, typeName(v))
	}
	out := make([]int64, len(t))
	for i, x := range t {
		n, ok := x.(int64)
		if !ok {
			return nil, errf("tensor %s element is %s", what, typeName(x))
		}
		out[i] = n
	}
	return out, nil
}

// call applies an allowed global to its argument tuple.
func (m *machine) call(fn, args any) (any, error) {
	g, ok := fn.(global)
	if !ok {
		return nil, errf("REDUCE calls %s, not a global", typeName(fn))
	}
	a, ok := args.(tuple)
	if !ok {
		return nil, errf("REDUCE of %s.%s with %s arguments", g.module, g.name, typeName(args))
	}
	switch g {
	case global{"collections", "OrderedDict"}:
		d := newDict()
		if len(a) == 0 {
			return d, nil
		}
		if len(a) == 1 {
			if l, ok := a[0].(*list); ok {
				for _, it := range l.items {
					p, ok := it.(tuple)
					if !ok || len(p) != 2 || !hashable(p[0]) {
						return nil, errf("OrderedDict item is %s", typeName(it))
					}
					d.set(p[0], p[1])
				}
				return d, nil
			}
		}
		return nil, errf("OrderedDict called with %d arguments", len(a))
	case global{"torch._utils", "_rebuild_tensor_v2"}, global{"torch._utils", "_rebuild_tensor"}:
		// (storage, offset, size, stride[, requires_grad, backward_hooks[, metadata]])
		if len(a) < 4 || len(a) > 7 {
			return nil, errf("%s with %d arguments", g.name, len(a))
		}
		s, ok := a[0].(*storage)
		if !ok {
			return nil, errf("%s storage is %s", g.name, typeName(a[0]))
		}
		off, ok := a[1].(int64)
		if !ok {
			return nil, errf("%s offset is %s", g.name, typeName(a[1]))
		}
		size, err := intTuple(a[2], "size")
		if err != nil {
			return nil, err
		}
		stride, err := intTuple(a[3], "stride")
		if err != nil {
			return nil, err
		}
		return m.arc.rebuild(s, off, size, stride)
	case global{"torch._utils", "_rebuild_parameter"}, global{"torch._utils", "_rebuild_parameter_with_state"}:
		if len(a) < 3 || len(a) > 4 {
			return nil, errf("%s with %d arguments", g.name, len(a))
		}
		t, ok := a[0].(*Tensor)
		if !ok {
			return nil, errf("%s of %s", g.name, typeName(a[0]))
		}
		return t, nil
	case global{"torch._tensor", "_rebuild_from_type_v2"}:
		// (func, new_type, args, state): the tensor is func(*args).
		if len(a) != 4 {
			return nil, errf("_rebuild_from_type_v2 with %d arguments", len(a))
		}
		switch a[1] {
		case global{"torch.nn.parameter", "Parameter"}, global{"torch._tensor", "Tensor"}, global{"torch", "Tensor"}:
		default:
			return nil, errf("_rebuild_from_type_v2 to %s", typeName(a[1]))
		}
		inner, ok := a[2].(tuple)
		if !ok {
			return nil, errf("_rebuild_from_type_v2 arguments are %s", typeName(a[2]))
		}
		if f, ok := a[0].(global); !ok || f.module != "torch._utils" {
			return nil, errf("_rebuild_from_type_v2 of %s", typeName(a[0]))
		}
		v, err := m.call(a[0], inner)
		if err != nil {
			return nil, err
		}
		if _, ok := v.(*Tensor); !ok {
			return nil, errf("_rebuild_from_type_v2 built %s", typeName(v))
		}
		return v, nil
	}
	return nil, errf("%s.%s cannot be called", g.module, g.name)
}
