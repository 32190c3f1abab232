package quant

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/edgerun/edgerun/simd"
)

// ErrStored is wrapped by every error about a stored matrix that does not
// add up: a model file is hostile input until checked.
var ErrStored = errors.New("quant: bad stored matrix")

// Part is one array of a stored matrix. Data is []float32, []int8,
// []uint8 or []uint16; Load uses it in place (it may be a read-only
// memory-mapped file), never writing to it.
type Part struct {
	Name string
	Data any
}

// Stored is a Matrix taken apart for a model file: its encoding, shape,
// settings and arrays.
type Stored struct {
	Encoding   string
	Rows, Cols int
	Params     json.RawMessage
	Parts      []Part
}

type storedParams struct {
	// Low rank: ranks stored.
	Rank int `json:"rank,omitempty"`
	// Product quantisation.
	SubDim               int `json:"m,omitempty"`
	K                    int `json:"k,omitempty"`
	SubspacesPerCodebook int `json:"books,omitempty"`
	ProjDim              int `json:"d,omitempty"`
}

// Store takes m apart. The parts share m's memory.
func Store(m Matrix) (*Stored, error) {
	s := &Stored{Encoding: m.Encoding(), Rows: m.Rows(), Cols: m.Cols()}
	var p storedParams
	switch q := m.(type) {
	case *Dense:
		s.Parts = []Part{{"w", q.W}}
	case *Half:
		s.Parts = []Part{{"w", q.Data}}
	case *Int8:
		s.Parts = []Part{{"q", q.Q}, {"scales", q.Scales}}
	case *Int4:
		s.Parts = []Part{{"codes", q.Codes}, {"scales", q.Scales}}
		if q.asym {
			s.Parts = append(s.Parts, Part{"zeros", q.Zeros})
		}
	case *LowRank:
		p.Rank = q.stored
		s.Parts = []Part{{"a", q.A}, {"b", q.B}}
	case *PQ:
		p = storedParams{SubDim: q.cfg.SubDim, K: q.cfg.K, SubspacesPerCodebook: q.cfg.SubspacesPerCodebook, ProjDim: q.cfg.ProjDim}
		s.Parts = []Part{{"codes", q.Codes}, {"books", q.Books}}
		if q.cfg.ProjDim > 0 {
			s.Parts = append(s.Parts, Part{"basis", q.Basis})
		}
	default:
		return nil, fmt.Errorf("quant: cannot store encoding %q", m.Encoding())
	}
	b, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	s.Params = b
	return s, nil
}

func storedErr(s *Stored, format string, a ...any) error {
	return fmt.Errorf("%w: %s %d×%d: %s", ErrStored, s.Encoding, s.Rows, s.Cols, fmt.Sprintf(format, a...))
}

// part returns the named part as T with exactly n elements.
func part[T any](s *Stored, name string, n int) ([]T, error) {
	for _, p := range s.Parts {
		if p.Name != name {
			continue
		}
		v, ok := p.Data.([]T)
		if !ok {
			return nil, storedErr(s, "part %q has type %T", name, p.Data)
		}
		if len(v) != n {
			return nil, storedErr(s, "part %q has %d values, want %d", name, len(v), n)
		}
		return v, nil
	}
	return nil, storedErr(s, "part %q missing", name)
}

// maxDim bounds each dimension so that products below cannot overflow int
// on 32-bit devices.
const maxDim = 1 << 24

// Load rebuilds a Matrix from its stored form, checking every size first.
// rank, when positive, uses only that many of a low-rank matrix's ranks
// (the device's rank budget); other encodings ignore it.
func Load(s *Stored, rank int) (Matrix, error) {
	if s.Rows <= 0 || s.Cols <= 0 || s.Rows > maxDim || s.Cols > maxDim || int64(s.Rows)*int64(s.Cols) > 1<<31-1 {
		return nil, storedErr(s, "bad shape")
	}
	var p storedParams
	if len(s.Params) > 0 {
		if err := json.Unmarshal(s.Params, &p); err != nil {
			return nil, storedErr(s, "params: %v", err)
		}
	}
	rows, cols := s.Rows, s.Cols
	switch s.Encoding {
	case "f32":
		w, err := part[float32](s, "w", rows*cols)
		if err != nil {
			return nil, err
		}
		return &Dense{rows: rows, cols: cols, W: w}, nil
	case "f16", "bf16":
		w, err := part[uint16](s, "w", rows*cols)
		if err != nil {
			return nil, err
		}
		return &Half{rows: rows, cols: cols, bf16: s.Encoding == "bf16", Data: w}, nil
	case "int8":
		q, err := part[int8](s, "q", rows*cols)
		if err != nil {
			return nil, err
		}
		sc, err := part[float32](s, "scales", rows)
		if err != nil {
			return nil, err
		}
		m := &Int8{rows: rows, cols: cols, Q: q, Scales: sc, RowSums: make([]int32, rows),
			packed: simd.PackI8B(cols, rows, q, cols, true)}
		for r := 0; r < rows; r++ {
			var sum int32
			for _, v := range q[r*cols : (r+1)*cols] {
				sum += int32(v)
			}
			m.RowSums[r] = sum
		}
		return m, nil
	case "int4", "int4-asym":
		nb := (cols + Int4BlockSize - 1) / Int4BlockSize
		m := &Int4{rows: rows, cols: cols, blocks: nb, asym: s.Encoding == "int4-asym"}
		var err error
		if m.Codes, err = part[uint8](s, "codes", rows*nb*Int4BlockSize/2); err != nil {
			return nil, err
		}
		if m.Scales, err = part[uint16](s, "scales", rows*nb); err != nil {
			return nil, err
		}
		if m.asym {
			if m.Zeros, err = part[uint8](s, "zeros", rows*nb); err != nil {
				return nil, err
			}
			for _, z := range m.Zeros {
				if z > 15 {
					return nil, storedErr(s, "zero point %d above 15", z)
				}
			}
		}
		return m, nil
	case "lowrank":
		r := p.Rank
		if r <= 0 || r > min(rows, cols) {
			return nil, storedErr(s, "rank %d", r)
		}
		a, err := part[float32](s, "a", rows*r)
		if err != nil {
			return nil, err
		}
		b, err := part[float32](s, "b", r*cols)
		if err != nil {
			return nil, err
		}
		m := &LowRank{rows: rows, cols: cols, stored: r, use: r, A: a, B: b}
		if rank > 0 {
			m = m.WithRank(rank)
		}
		return m, nil
	case "pq", "lr2vq":
		cfg := PQConfig{SubDim: p.SubDim, K: p.K, SubspacesPerCodebook: p.SubspacesPerCodebook, ProjDim: p.ProjDim}
		if err := cfg.validate(cols); err != nil {
			return nil, storedErr(s, "%v", err)
		}
		if (s.Encoding == "lr2vq") != (cfg.ProjDim > 0) {
			return nil, storedErr(s, "projection dimension %d", cfg.ProjDim)
		}
		nsub := (cols + cfg.SubDim - 1) / cfg.SubDim
		if cfg.SubspacesPerCodebook <= 0 || cfg.SubspacesPerCodebook > nsub {
			return nil, storedErr(s, "%d subspaces per codebook for %d subspaces", cfg.SubspacesPerCodebook, nsub)
		}
		q := &PQ{rows: rows, cols: cols, cfg: cfg, nsub: nsub, nbooks: (nsub + cfg.SubspacesPerCodebook - 1) / cfg.SubspacesPerCodebook}
		dim := cfg.SubDim
		if cfg.ProjDim > 0 {
			dim = cfg.ProjDim
		}
		ncodes := rows * nsub
		if cfg.K <= 16 {
			ncodes = rows * ((nsub + 1) / 2)
		}
		var err error
		if q.Codes, err = part[uint8](s, "codes", ncodes); err != nil {
			return nil, err
		}
		if cfg.K < 256 {
			for r := 0; r < rows; r++ {
				for sub := 0; sub < nsub; sub++ {
					if c := q.code(r, sub); c >= cfg.K {
						return nil, storedErr(s, "code %d of row %d is not below k=%d", c, r, cfg.K)
					}
				}
			}
		}
		if q.Books, err = part[float32](s, "books", q.nbooks*cfg.K*dim); err != nil {
			return nil, err
		}
		if cfg.ProjDim > 0 {
			if q.Basis, err = part[float32](s, "basis", q.nbooks*cfg.SubDim*dim); err != nil {
				return nil, err
			}
		}
		q.full = make([]float32, q.nbooks*cfg.K*cfg.SubDim)
		q.expand()
		q.packLUT4()
		return q, nil
	}
	return nil, storedErr(s, "unknown encoding")
}
