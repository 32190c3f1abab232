package quant

import (
	"bufio"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
)

// Spec names an encoding and its settings, as written in policies and on
// the command line:
//
//	f32 | f16 | bf16 | int8 | int4 | int4-asym
//	lowrank:rank=32 | lowrank:energy=0.95
//	pq:m=4,k=16[,books=1][,seed=1] | lr2vq:m=8,k=256,d=4
type Spec struct {
	Kind   string
	Rank   int
	Energy float64
	PQ     PQConfig
}

func (s Spec) String() string {
	switch s.Kind {
	case "lowrank":
		if s.Rank > 0 {
			return fmt.Sprintf("lowrank:rank=%d", s.Rank)
		}
		return fmt.Sprintf("lowrank:energy=%g", s.Energy)
	case "pq", "lr2vq":
		t := fmt.Sprintf("%s:m=%d,k=%d", s.Kind, s.PQ.SubDim, s.PQ.K)
		if s.PQ.ProjDim > 0 {
			t += fmt.Sprintf(",d=%d", s.PQ.ProjDim)
		}
		if s.PQ.SubspacesPerCodebook > 0 {
			t += fmt.Sprintf(",books=%d", s.PQ.SubspacesPerCodebook)
		}
		if s.PQ.Seed != 1 {
			t += fmt.Sprintf(",seed=%d", s.PQ.Seed)
		}
		if s.PQ.Iters > 0 {
			t += fmt.Sprintf(",iters=%d", s.PQ.Iters)
		}
		return t
	}
	return s.Kind
}

// ParseSpec reads a Spec.
func ParseSpec(text string) (Spec, error) {
	kind, args, _ := strings.Cut(strings.TrimSpace(text), ":")
	s := Spec{Kind: kind}
	kv := map[string]string{}
	if args != "" {
		for _, a := range strings.Split(args, ",") {
			k, v, ok := strings.Cut(a, "=")
			if !ok {
				return s, fmt.Errorf("quant: %q: setting %q is not key=value", text, a)
			}
			kv[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	num := func(key string, dst *int) error {
		v, ok := kv[key]
		if !ok {
			return nil
		}
		delete(kv, key)
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return fmt.Errorf("quant: %q: %s=%q is not a count", text, key, v)
		}
		*dst = n
		return nil
	}
	var err error
	switch kind {
	case "f32", "f16", "bf16", "int8", "int4", "int4-asym":
	case "lowrank":
		if err = num("rank", &s.Rank); err != nil {
			return s, err
		}
		if v, ok := kv["energy"]; ok {
			delete(kv, "energy")
			s.Energy, err = strconv.ParseFloat(v, 64)
			if err != nil || s.Energy <= 0 || s.Energy > 1 {
				return s, fmt.Errorf("quant: %q: energy must be in (0, 1]", text)
			}
		}
		if (s.Rank > 0) == (s.Energy > 0) {
			return s, fmt.Errorf("quant: %q: give exactly one of rank= or energy=", text)
		}
	case "pq", "lr2vq":
		s.PQ.Seed = 1
		seed := 1
		for _, f := range []struct {
			k string
			p *int
		}{{"m", &s.PQ.SubDim}, {"k", &s.PQ.K}, {"d", &s.PQ.ProjDim}, {"books", &s.PQ.SubspacesPerCodebook}, {"seed", &seed}, {"iters", &s.PQ.Iters}} {
			if err = num(f.k, f.p); err != nil {
				return s, err
			}
		}
		s.PQ.Seed = uint64(seed)
		if s.PQ.SubDim == 0 || s.PQ.K == 0 {
			return s, fmt.Errorf("quant: %q: m= and k= are required", text)
		}
		if (kind == "lr2vq") != (s.PQ.ProjDim > 0) {
			return s, fmt.Errorf("quant: %q: d= is required for lr2vq and only for it", text)
		}
	default:
		return s, fmt.Errorf("quant: unknown encoding %q", kind)
	}
	for k := range kv {
		return s, fmt.Errorf("quant: %q: unknown setting %q", text, k)
	}
	return s, nil
}

// Encode compresses w (rows×cols) as the spec says.
func (s Spec) Encode(w []float32, rows, cols int) (Matrix, error) {
	switch s.Kind {
	case "f32":
		return NewDense(w, rows, cols)
	case "f16":
		return NewF16(w, rows, cols)
	case "bf16":
		return NewBF16(w, rows, cols)
	case "int8":
		return NewInt8(w, rows, cols)
	case "int4":
		return NewInt4(w, rows, cols, false)
	case "int4-asym":
		return NewInt4(w, rows, cols, true)
	case "lowrank":
		if s.Rank > 0 {
			return NewLowRank(w, rows, cols, s.Rank)
		}
		return NewLowRankEnergy(w, rows, cols, s.Energy)
	case "pq", "lr2vq":
		return NewPQ(w, rows, cols, s.PQ)
	}
	return nil, fmt.Errorf("quant: unknown encoding %q", s.Kind)
}

// Rule applies Spec to layers whose name matches Pattern (path.Match
// syntax, "" matches all) and that hold at least MinWeights weights.
type Rule struct {
	Pattern    string
	MinWeights int
	Spec       Spec
}

// Policy chooses an encoding per layer: the first matching rule wins, and
// layers no rule matches stay f32.
type Policy struct{ Rules []Rule }

// Choose returns the spec for a layer.
func (p Policy) Choose(name string, rows, cols int) Spec {
	for _, r := range p.Rules {
		if rows*cols < r.MinWeights {
			continue
		}
		if r.Pattern != "" {
			if ok, err := path.Match(r.Pattern, name); err != nil || !ok {
				continue
			}
		}
		return r.Spec
	}
	return Spec{Kind: "f32"}
}

// ParsePolicy reads a policy file: one rule per line, "PATTERN SPEC" with
// an optional "min=N" between them; '#' starts a comment.
//
//	# big dense layers to 4 bits, the classifier head stays int8
//	head.*           int8
//	*  min=65536     int4
//	*                f16
func ParsePolicy(r io.Reader) (Policy, error) {
	var p Policy
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 4096), 1<<16)
	line := 0
	for sc.Scan() {
		line++
		text, _, _ := strings.Cut(sc.Text(), "#")
		f := strings.Fields(text)
		if len(f) == 0 {
			continue
		}
		if len(f) < 2 || len(f) > 3 {
			return p, fmt.Errorf("quant: policy line %d: want PATTERN [min=N] SPEC", line)
		}
		rule := Rule{Pattern: f[0]}
		if _, err := path.Match(rule.Pattern, ""); err != nil {
			return p, fmt.Errorf("quant: policy line %d: bad pattern %q", line, f[0])
		}
		if len(f) == 3 {
			v, ok := strings.CutPrefix(f[1], "min=")
			n, err := strconv.Atoi(v)
			if !ok || err != nil || n < 0 {
				return p, fmt.Errorf("quant: policy line %d: %q is not min=N", line, f[1])
			}
			rule.MinWeights = n
		}
		spec, err := ParseSpec(f[len(f)-1])
		if err != nil {
			return p, fmt.Errorf("quant: policy line %d: %w", line, err)
		}
		rule.Spec = spec
		p.Rules = append(p.Rules, rule)
		if len(p.Rules) > 1000 {
			return p, fmt.Errorf("quant: policy has more than 1000 rules")
		}
	}
	return p, sc.Err()
}

// Layer is a named dense weight to compress.
type Layer struct {
	Name       string
	Rows, Cols int
	W          []float32
}

// LayerReport describes one compressed layer.
type LayerReport struct {
	Name          string  `json:"name"`
	Encoding      string  `json:"encoding"`
	Rows          int     `json:"rows"`
	Cols          int     `json:"cols"`
	RelError      float64 `json:"rel_error"`
	MaxAbsError   float64 `json:"max_abs_error"`
	BitsPerWeight float64 `json:"bits_per_weight"`
	Bytes         int     `json:"bytes"`
	DenseBytes    int     `json:"dense_bytes"`
}

// Report sums up a compression run.
type Report struct {
	Layers     []LayerReport `json:"layers"`
	Bytes      int           `json:"bytes"`
	DenseBytes int           `json:"dense_bytes"`
	Ratio      float64       `json:"ratio"`
}

// Compress encodes every layer by policy. progress, if not nil, is called
// after each layer (for progress bars on long runs).
func Compress(layers []Layer, p Policy, progress func(done, total int)) ([]Matrix, Report, error) {
	var rep Report
	out := make([]Matrix, len(layers))
	for i, l := range layers {
		spec := p.Choose(l.Name, l.Rows, l.Cols)
		m, err := spec.Encode(l.W, l.Rows, l.Cols)
		if err != nil {
			return nil, rep, fmt.Errorf("layer %q: %w", l.Name, err)
		}
		out[i] = m
		rel, maxAbs := Error(m, l.W)
		lr := LayerReport{Name: l.Name, Encoding: spec.String(), Rows: l.Rows, Cols: l.Cols,
			RelError: rel, MaxAbsError: maxAbs, BitsPerWeight: BitsPerWeight(m),
			Bytes: m.Bytes(), DenseBytes: 4 * l.Rows * l.Cols}
		rep.Layers = append(rep.Layers, lr)
		rep.Bytes += lr.Bytes
		rep.DenseBytes += lr.DenseBytes
		if progress != nil {
			progress(i+1, len(layers))
		}
	}
	if rep.Bytes > 0 {
		rep.Ratio = float64(rep.DenseBytes) / float64(rep.Bytes)
	}
	return out, rep, nil
}
