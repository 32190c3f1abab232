package quant

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// benchShapes are GEMV/GEMM shapes of dense layers on sensors: batch M of
// 1, 8 and 64 against weights in the hundreds to low thousands.
var benchShapes = []struct{ m, rows, cols int }{
	{1, 256, 256}, {8, 256, 256}, {64, 256, 256},
	{1, 1024, 1024}, {8, 1024, 1024}, {64, 512, 512},
}

func BenchmarkMatMul(b *testing.B) {
	specs := []string{"f32", "f16", "bf16", "int8", "int4", "int4-asym", "lowrank:rank=64", "pq:m=4,k=16", "pq:m=4,k=256", "lr2vq:m=8,k=256,d=4"}
	for _, sh := range benchShapes {
		rng := rand.New(rand.NewPCG(1, 1))
		w := randMatrix(rng, sh.rows, sh.cols)
		x := randMatrix(rng, sh.m, sh.cols)
		y := make([]float32, sh.m*sh.rows)
		for _, st := range specs {
			if testing.Short() && sh.rows > 256 && st != "f32" {
				continue
			}
			spec, err := ParseSpec(st)
			if err != nil {
				b.Fatal(err)
			}
			spec.PQ.Iters = 4 // clustering quality does not change the speed
			mat, err := spec.Encode(w, sh.rows, sh.cols)
			if err != nil {
				b.Fatal(err)
			}
			scratch := make([]float32, mat.ScratchSize(sh.m))
			b.Run(fmt.Sprintf("%s/%dx%dx%d", st, sh.m, sh.rows, sh.cols), func(b *testing.B) {
				b.SetBytes(int64(mat.Bytes()))
				for b.Loop() {
					mat.MatMul(y, x, sh.m, scratch)
				}
				b.ReportMetric(float64(2*sh.m*sh.rows*sh.cols)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}

// BenchmarkPQPaths compares the two execution paths of a 4-bit PQ matrix;
// the LUT path must win at M = 1.
func BenchmarkPQPaths(b *testing.B) {
	for _, sh := range benchShapes {
		rng := rand.New(rand.NewPCG(1, 1))
		w := randMatrix(rng, sh.rows, sh.cols)
		x := randMatrix(rng, sh.m, sh.cols)
		y := make([]float32, sh.m*sh.rows)
		q, err := NewPQ(w, sh.rows, sh.cols, PQConfig{SubDim: 4, K: 16, Seed: 1, Iters: 4})
		if err != nil {
			b.Fatal(err)
		}
		lut := make([]float32, q.lutScratch())
		dec := make([]float32, q.nsub*q.cfg.SubDim)
		name := fmt.Sprintf("%dx%dx%d", sh.m, sh.rows, sh.cols)
		b.Run("lut/"+name, func(b *testing.B) {
			for b.Loop() {
				q.MatMulLUT(y, x, sh.m, lut)
			}
		})
		b.Run("lut-float/"+name, func(b *testing.B) {
			for b.Loop() {
				q.MatMulLUTFloat(y, x, sh.m, lut)
			}
		})
		b.Run("decode/"+name, func(b *testing.B) {
			for b.Loop() {
				q.MatMulDecode(y, x, sh.m, dec)
			}
		})
	}
}
