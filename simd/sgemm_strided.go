package simd

import "fmt"

// SgemmPackedAStrided computes C = A·B for A packed by PackA and B a
// row-major pa.K()×n matrix read in place, rows ldb floats apart:
//
//	c[i*ldc+j] = sum_p A[i][p]*b[p*ldb+j]    for i < pa.M(), j < n
//
// It is for a B that its producer already lays out row by row in cache
// (the transformed tiles of a Winograd convolution), which SgemmPackedA
// would copy panel by panel first. B is read sixteen columns at a time:
// each row must have 16·⌈n/16⌉ floats readable (their values past n do
// not matter). K is never blocked, so each element is summed in one
// order whatever n is. C is only written.
func SgemmPackedAStrided(pa *PackedA, b []float32, ldb, n int, c []float32, ldc int) {
	w := sgemmFree.get()
	w.SgemmPackedAStrided(pa, b, ldb, n, c, ldc)
	sgemmFree.put(w)
}

// SgemmPackedAStrided is the package function SgemmPackedAStrided
// computed with w's buffers.
func (w *SgemmWorkspace) SgemmPackedAStrided(pa *PackedA, b []float32, ldb, n int, c []float32, ldc int) {
	m, k := pa.m, pa.k
	if n < 0 || ldc < n || ldb < 16*((n+15)/16) && k > 1 {
		panic(fmt.Sprintf("simd: SgemmPackedAStrided: %d columns, ldb %d, ldc %d", n, ldb, ldc))
	}
	if m == 0 || n == 0 {
		return
	}
	if need := int64(k-1)*int64(ldb) + 16*int64((n+15)/16); k > 0 && int64(len(b)) < need {
		panic(fmt.Sprintf("simd: SgemmPackedAStrided: b has %d floats, %d×%d reads %d", len(b), k, n, need))
	}
	if int64(len(c)) < int64(m-1)*int64(ldc)+int64(n) {
		panic(fmt.Sprintf("simd: SgemmPackedAStrided: c has %d floats, %d×%d writes %d", len(c), m, n, int64(m-1)*int64(ldc)+int64(n)))
	}
	if k == 0 {
		for i := 0; i < m; i++ {
			clear(c[i*ldc : i*ldc+n])
		}
		return
	}
	if raceEnabled {
		for p := 0; p < k; p++ {
			f32RaceRead(b[p*ldb : p*ldb+n])
		}
		for i := 0; i < m; i++ {
			f32RaceWrite(c[i*ldc : i*ldc+n])
		}
	}
	mr := pa.mr
	if mr != sgemmStridedMR {
		w.sgemmStridedPacked(pa, b, ldb, n, c, ldc)
		return
	}
	full := n / 16
	for ir := 0; ir < m; ir += mr {
		rows := min(mr, m-ir)
		ap := pa.data[(ir/mr)*k*mr : (ir/mr+1)*k*mr]
		if full > 0 {
			sgemmStridedFn(rows, k, ap, b, c[ir*ldc:], ldc, ldb, full)
		}
		if cols := n - 16*full; cols > 0 {
			tmp := w.tmp[:rows*16]
			sgemmStridedFn(rows, k, ap, b[16*full:], tmp, 16, ldb, 1)
			for r := 0; r < rows; r++ {
				copy(c[(ir+r)*ldc+16*full:(ir+r)*ldc+n], tmp[r*16:r*16+cols])
			}
		}
	}
}

// sgemmStridedPacked is SgemmPackedAStrided for an A packed with another
// microkernel's height than the strided kernels': B's panels are packed
// (n columns exactly) and run through the SGEMM microkernel A was packed
// for, or its Go twin.
func (w *SgemmWorkspace) sgemmStridedPacked(pa *PackedA, b []float32, ldb, n int, c []float32, ldc int) {
	uk := sgemmKern
	if uk.mr != pa.mr {
		uk = sgemmMicro{mr: pa.mr, nr: 16}
	}
	if w.b == nil {
		w.b = new([sgemmKC * sgemmNCTarget]float32)
	}
	m, k, mr, nr := pa.m, pa.k, pa.mr, uk.nr
	for p0 := 0; p0 < k; p0 += sgemmKC {
		kc := min(sgemmKC, k-p0)
		beta := float32(1)
		if p0 == 0 {
			beta = 0
		}
		for j := 0; j < n; j += nr {
			cols := min(nr, n-j)
			bp := w.b[:kc*nr]
			for p := 0; p < kc; p++ {
				row := bp[p*nr : p*nr+nr]
				copy(row, b[(p0+p)*ldb+j:(p0+p)*ldb+j+cols])
				clear(row[cols:])
			}
			for ir := 0; ir < m; ir += mr {
				rows := min(mr, m-ir)
				off := (ir/mr)*k*mr + p0*mr
				ap := pa.data[off : off+kc*mr]
				tmp := w.tmp[:rows*nr]
				if beta != 0 {
					for r := 0; r < rows; r++ {
						copy(tmp[r*nr:r*nr+cols], c[(ir+r)*ldc+j:])
					}
				}
				uk.run(rows, kc, ap, bp, tmp, nr, 1, beta, nil)
				for r := 0; r < rows; r++ {
					copy(c[(ir+r)*ldc+j:(ir+r)*ldc+j+cols], tmp[r*nr:r*nr+cols])
				}
			}
		}
	}
}

// sgemmStridedMR is the height of the strided kernels' A micro-panels.
const sgemmStridedMR = 6

var sgemmStridedFn func(rows, k int, a, b, c []float32, ldc, ldb, panels int)

var sgemmStridedFamily = newFamily("sgemm_strided", &sgemmStridedFn, sgemmStridedGeneric, sgemmStridedArch...)

// sgemmStridedGeneric is the Go twin of the strided microkernel, 6×16
// over panels panels: c[i*ldc+j] = sum_p a[p*6+i]*b[p*ldb+j] for
// i < rows, j < 16*panels.
func sgemmStridedGeneric(rows, k int, a, b, c []float32, ldc, ldb, panels int) {
	for q := 0; q < panels; q++ {
		var acc [sgemmStridedMR * 16]float32
		for p := 0; p < k; p++ {
			bp := b[p*ldb+16*q : p*ldb+16*q+16]
			for i := 0; i < rows; i++ {
				av := a[p*sgemmStridedMR+i]
				ac := acc[i*16 : i*16+16]
				for j, bv := range bp {
					ac[j] += av * bv
				}
			}
		}
		for i := 0; i < rows; i++ {
			copy(c[i*ldc+16*q:i*ldc+16*q+16], acc[i*16:i*16+16])
		}
	}
}
