package quant

import (
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestStoreLoadRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 14))
	rows, cols := 24, 70
	w := randMatrix(rng, rows, cols)
	for _, st := range []string{"f32", "f16", "bf16", "int8", "int4", "int4-asym", "lowrank:rank=9", "pq:m=2,k=16", "pq:m=5,k=200,books=3", "lr2vq:m=10,k=32,d=3"} {
		spec, err := ParseSpec(st)
		require.NoError(t, err)
		m, err := spec.Encode(w, rows, cols)
		require.NoError(t, err, st)
		s, err := Store(m)
		require.NoError(t, err, st)
		back, err := Load(s, 0)
		require.NoError(t, err, st)
		require.Equal(t, m.Encoding(), back.Encoding())
		require.Equal(t, m.Bytes(), back.Bytes(), st)
		a, b := make([]float32, rows*cols), make([]float32, rows*cols)
		m.Decode(a)
		back.Decode(b)
		require.Equal(t, a, b, "%s decodes identically after a round trip", st)
	}
}

func TestLoadRankBudget(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 15))
	w := randMatrix(rng, 20, 30)
	m, err := NewLowRank(w, 20, 30, 12)
	require.NoError(t, err)
	s, _ := Store(m)
	small, err := Load(s, 4)
	require.NoError(t, err)
	require.Equal(t, 4, small.(*LowRank).Rank())
	require.Equal(t, 4*4*(20+30), small.Bytes())
}

func TestLoadHostile(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 16))
	w := randMatrix(rng, 8, 40)
	good := func(spec string) *Stored {
		sp, _ := ParseSpec(spec)
		m, err := sp.Encode(w, 8, 40)
		require.NoError(t, err)
		s, err := Store(m)
		require.NoError(t, err)
		return s
	}
	cases := map[string]*Stored{}
	s := good("int8")
	s.Parts[0].Data = s.Parts[0].Data.([]int8)[:10]
	cases["short codes"] = s
	s = good("int8")
	s.Parts[1].Data = []int8{1}
	cases["wrong type"] = s
	s = good("int4")
	s.Parts = s.Parts[:1]
	cases["missing part"] = s
	s = good("int4-asym")
	s.Parts[2].Data.([]uint8)[0] = 99
	cases["zero point"] = s
	s = good("lowrank:rank=3")
	s.Params = []byte(`{"rank": 100}`)
	cases["rank"] = s
	s = good("pq:m=4,k=8")
	s.Parts[0].Data.([]uint8)[0] = 0xff
	cases["code above k"] = s
	s = good("pq:m=4,k=16")
	s.Params = []byte(`{"m": 0, "k": 16}`)
	cases["bad m"] = s
	s = good("f32")
	s.Rows = -1
	cases["negative rows"] = s
	s = good("f32")
	s.Rows, s.Cols = 1<<20, 1<<20
	cases["overflow"] = s
	s = good("f32")
	s.Encoding = "int3"
	cases["unknown"] = s
	s = good("f32")
	s.Params = []byte(`{`)
	cases["params"] = s
	for name, s := range cases {
		_, err := Load(s, 0)
		require.Error(t, err, name)
		require.True(t, errors.Is(err, ErrStored), "%s: %v", name, err)
	}
}
