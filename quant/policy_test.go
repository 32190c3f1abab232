package quant

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParseSpec(t *testing.T) {
	for text, want := range map[string]Spec{
		"int4":                  {Kind: "int4"},
		"lowrank:rank=32":       {Kind: "lowrank", Rank: 32},
		"lowrank:energy=0.95":   {Kind: "lowrank", Energy: 0.95},
		"pq:m=4,k=16":           {Kind: "pq", PQ: PQConfig{SubDim: 4, K: 16, Seed: 1}},
		"lr2vq:m=8,k=256,d=4":   {Kind: "lr2vq", PQ: PQConfig{SubDim: 8, K: 256, ProjDim: 4, Seed: 1}},
		"pq:m=2,k=16,seed=9":    {Kind: "pq", PQ: PQConfig{SubDim: 2, K: 16, Seed: 9}},
		"pq:m=2,k=16,books=1":   {Kind: "pq", PQ: PQConfig{SubDim: 2, K: 16, SubspacesPerCodebook: 1, Seed: 1}},
		"lowrank:rank=3 ":       {Kind: "lowrank", Rank: 3},
		"pq:m=4,k=16,iters=100": {Kind: "pq", PQ: PQConfig{SubDim: 4, K: 16, Seed: 1, Iters: 100}},
	} {
		got, err := ParseSpec(text)
		require.NoError(t, err, text)
		require.Equal(t, want, got, text)
		again, err := ParseSpec(got.String())
		require.NoError(t, err)
		require.Equal(t, got, again)
	}
	for _, bad := range []string{"int3", "lowrank", "lowrank:rank=2,energy=0.5", "lowrank:energy=2", "pq:m=4", "pq:m=4,k=16,d=2", "lr2vq:m=4,k=16", "pq:m=x,k=16", "int8:foo=1", "pq:m4"} {
		_, err := ParseSpec(bad)
		require.Error(t, err, bad)
	}
}

func TestPolicyAndCompress(t *testing.T) {
	p, err := ParsePolicy(strings.NewReader(`
# the head stays precise
head.*          int8
*   min=1000    int4
*               f16
`))
	require.NoError(t, err)
	require.Equal(t, "int8", p.Choose("head.weight", 10, 10).Kind)
	require.Equal(t, "int4", p.Choose("body.0.weight", 100, 100).Kind)
	require.Equal(t, "f16", p.Choose("body.1.weight", 10, 10).Kind)
	require.Equal(t, "f32", Policy{}.Choose("x", 1, 1).Kind)

	rng := rand.New(rand.NewPCG(13, 13))
	layers := []Layer{
		{Name: "body.0.weight", Rows: 64, Cols: 64, W: randMatrix(rng, 64, 64)},
		{Name: "head.weight", Rows: 10, Cols: 64, W: randMatrix(rng, 10, 64)},
	}
	calls := 0
	ms, rep, err := Compress(layers, p, func(done, total int) { calls++; require.Equal(t, 2, total) })
	require.NoError(t, err)
	require.Equal(t, 2, calls)
	require.Len(t, ms, 2)
	require.Equal(t, "int4", rep.Layers[0].Encoding)
	require.InDelta(t, 4.5, rep.Layers[0].BitsPerWeight, 1e-9)
	require.Less(t, rep.Layers[0].RelError, 0.15)
	require.Less(t, rep.Layers[1].RelError, 0.01)
	require.Equal(t, 4*(64*64+10*64), rep.DenseBytes)
	require.InDelta(t, float64(rep.DenseBytes)/float64(rep.Bytes), rep.Ratio, 1e-12)
	require.Greater(t, rep.Ratio, 5.0)

	for _, bad := range []string{"x", "* min=z int4", "* int9", "[ int4"} {
		_, err := ParsePolicy(strings.NewReader(bad))
		require.Error(t, err, bad)
	}
}

func FuzzParsePolicy(f *testing.F) {
	f.Add("head.* int8\n* min=10 int4\n")
	f.Add("* lr2vq:m=8,k=256,d=4 # c")
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePolicy(strings.NewReader(s))
		if err != nil {
			return
		}
		for _, r := range p.Rules {
			again, err := ParseSpec(r.Spec.String())
			if err != nil || again != r.Spec {
				t.Fatalf("rule %+v does not round-trip: %+v %v", r, again, err)
			}
		}
	})
}
