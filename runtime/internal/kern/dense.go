package kern

import (
	"fmt"

	"github.com/edgerun/edgerun/simd"
)

// DenseParams describes a fully connected layer as torch.nn.Linear:
// x is Batch×In, w is Out×In, bias is Out (or nil), dst is Batch×Out.
type DenseParams struct {
	Batch, In, Out int
}

// Validate reports whether p describes a computable layer.
func (p *DenseParams) Validate() error {
	if p.Batch < 0 || p.In < 1 || p.Out < 1 {
		return fmt.Errorf("dense: bad shape batch=%d in=%d out=%d", p.Batch, p.In, p.Out)
	}
	for _, d := range [][2]int{{p.Batch, p.In}, {p.Batch, p.Out}, {p.Out, p.In}} {
		if err := checkDims(d[0], d[1]); err != nil {
			return fmt.Errorf("dense: %w", err)
		}
	}
	return nil
}

// Dense computes dst[b][o] = bias[o] + Σ_i x[b][i]·w[o][i]. dst must not
// overlap x. It is one GEMM for every batch size, so a row gets the same
// bits however the runtime splits the batch over threads; the GEMM repacks
// w on every call, which at batch 1 or 2 costs as much as the product:
// layers with constant weights should use DensePacked.
func Dense(p *DenseParams, dst, x, w, bias []float32) {
	if p.Batch == 0 {
		return
	}
	beta := fillBias2(dst, bias, p.Batch, p.Out)
	gemm(false, true, p.Batch, p.Out, p.In, 1, x, p.In, w, p.In, beta, dst, p.Out)
}

// PackDense packs the Out×In weights w of the dense layer p once, at model
// load, into the panel layout of simd's SGEMM microkernel, for DensePacked.
// It allocates PackedDenseLen(p) floats; PackDenseInto places them in
// caller memory (a weights arena) instead. The result is immutable and
// safe to share between sessions and goroutines.
func PackDense(p *DenseParams, w []float32) *simd.PackedB {
	return simd.PackB(true, p.In, p.Out, w, p.In)
}

// PackedDenseLen is the number of floats PackDenseInto needs for p's
// weights with the SIMD level in force.
func PackedDenseLen(p *DenseParams) int { return simd.PackedBLen(p.In, p.Out) }

// PackDenseInto is PackDense writing the packed weights into buf, which
// must hold PackedDenseLen(p) floats and must not change while the result
// is in use.
func PackDenseInto(buf []float32, p *DenseParams, w []float32) *simd.PackedB {
	return simd.PackBInto(buf, true, p.In, p.Out, w, p.In)
}

// DensePacked is Dense with weights packed by PackDense: the same result
// (bias aside, bit for bit, as simd.SgemmPacked promises), without
// repacking w on every call, and with the bias added inside the GEMM. It is
// the fast path for batch 1 and other small batches, where packing the
// weights would cost as much as the product. A packing made at another
// SIMD level still computes correctly (through simd's pure-Go micro
// kernel), only slower.
func DensePacked(p *DenseParams, dst, x []float32, pw *simd.PackedB, bias []float32) {
	if p.Batch == 0 {
		return
	}
	simd.SgemmPacked(false, p.Batch, 1, x, p.In, pw, 0, dst, p.Out, bias)
}

// fillBias2 writes bias into every row of the rows×cols matrix c and returns
// the GEMM beta that keeps it, or 0 when bias is nil.
func fillBias2(c, bias []float32, rows, cols int) float32 {
	if bias == nil {
		return 0
	}
	for i := 0; i < rows; i++ {
		copy(c[i*cols:(i+1)*cols], bias[:cols])
	}
	return 1
}

// GemmParams describes the ONNX Gemm operator:
//
//	dst = Alpha·op(A)·op(B) + Beta·bias
//
// with op(A) M×K (A stored K×M when TransA), op(B) K×N (B stored N×K when
// TransB) and bias a vector of N values broadcast over the rows (or nil).
type GemmParams struct {
	M, N, K        int
	TransA, TransB bool
	Alpha, Beta    float32
}

// Validate reports whether p describes a computable product.
func (p *GemmParams) Validate() error {
	if p.M < 0 || p.N < 1 || p.K < 1 {
		return fmt.Errorf("gemm: bad shape M=%d N=%d K=%d", p.M, p.N, p.K)
	}
	for _, d := range [][2]int{{p.M, p.K}, {p.K, p.N}, {p.M, p.N}} {
		if err := checkDims(d[0], d[1]); err != nil {
			return fmt.Errorf("gemm: %w", err)
		}
	}
	return nil
}

// Gemm computes dst (M×N) as GemmParams describes. dst must not overlap a or b.
func Gemm(p *GemmParams, dst, a, b, bias []float32) {
	if p.M == 0 {
		return
	}
	var beta float32
	if bias != nil && p.Beta != 0 {
		for i := 0; i < p.M; i++ {
			row := dst[i*p.N : (i+1)*p.N]
			for j := range row {
				row[j] = p.Beta * bias[j]
			}
		}
		beta = 1
	}
	lda, ldb := p.K, p.N
	if p.TransA {
		lda = p.M
	}
	if p.TransB {
		ldb = p.K
	}
	gemm(p.TransA, p.TransB, p.M, p.N, p.K, p.Alpha, a, lda, b, ldb, beta, dst, p.N)
}

// MatMulParams describes a batched matrix product as torch.matmul on 3-D
// operands: a is Batch×M×K, b is Batch×K×N (or one K×N matrix shared by every
// batch when BroadcastB), dst is Batch×M×N.
type MatMulParams struct {
	Batch, M, K, N int
	BroadcastB     bool
}

// Validate reports whether p describes a computable product.
func (p *MatMulParams) Validate() error {
	if p.Batch < 0 || p.M < 0 || p.K < 1 || p.N < 1 {
		return fmt.Errorf("matmul: bad shape batch=%d M=%d K=%d N=%d", p.Batch, p.M, p.K, p.N)
	}
	for _, d := range [][3]int{{p.Batch, p.M, p.K}, {p.Batch, p.K, p.N}, {p.Batch, p.M, p.N}} {
		if err := checkDims(d[0], d[1], d[2]); err != nil {
			return fmt.Errorf("matmul: %w", err)
		}
	}
	return nil
}

// MatMul computes dst[i] = a[i]·b[i] (or a[i]·b when BroadcastB) for every
// batch i. dst must not overlap a or b.
func MatMul(p *MatMulParams, dst, a, b []float32) {
	if p.M == 0 {
		return
	}
	if p.BroadcastB {
		// One GEMM over all batches: the rows of a are independent.
		gemm(false, false, p.Batch*p.M, p.N, p.K, 1, a, p.K, b, p.N, 0, dst, p.N)
		return
	}
	for i := 0; i < p.Batch; i++ {
		gemm(false, false, p.M, p.N, p.K, 1, a[i*p.M*p.K:], p.K, b[i*p.K*p.N:], p.N, 0, dst[i*p.M*p.N:], p.N)
	}
}
