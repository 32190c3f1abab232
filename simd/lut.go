package simd

import "fmt"

// lut16Chunk bounds the subspaces a kernel sums in 16-bit lanes before
// widening to int32: 256 values in [-128, 127] sum to [-32768, 32512].
const lut16Chunk = 256

// LUT16CodesSize returns the length of the packed codes for a matrix of
// rows x subspaces 4-bit codes: 16*subspaces bytes per block of 32 rows.
func LUT16CodesSize(rows, subspaces int) int {
	return (rows + 31) / 32 * subspaces * 16
}

// PackLUT4Codes packs row-major codes (codes[r*subspaces+s], each in
// 0..15) into dst in the layout LUT16Accumulate documents. dst must hold
// LUT16CodesSize(rows, subspaces) bytes; padding rows get code 0. It
// panics on a code above 15 or on short slices: callers validate codes
// read from files first.
func PackLUT4Codes(dst []byte, codes []uint8, rows, subspaces int) {
	if rows < 0 || subspaces < 0 || len(codes) < rows*subspaces || len(dst) < LUT16CodesSize(rows, subspaces) {
		panic(fmt.Sprintf("simd: PackLUT4Codes: %d rows x %d subspaces need %d codes and %d bytes, have %d and %d",
			rows, subspaces, rows*subspaces, LUT16CodesSize(rows, subspaces), len(codes), len(dst)))
	}
	dst = dst[:LUT16CodesSize(rows, subspaces)]
	clear(dst)
	for r := 0; r < rows; r++ {
		blk, i := r/32, r%32
		shift := 0
		if i >= 16 {
			i, shift = i-16, 4
		}
		base := blk*subspaces*16 + i
		for s, c := range codes[r*subspaces : (r+1)*subspaces] {
			if c > 15 {
				panic(fmt.Sprintf("simd: PackLUT4Codes: code %d at row %d subspace %d exceeds 15", c, r, s))
			}
			dst[base+s*16] |= c << shift
		}
	}
}

// LUT16Accumulate is the table-lookup GEMV for 4-bit codebooks (product
// quantisation with 16 centroids per subspace, T-MAC style). For an input
// vector x the caller builds, per subspace s, a table T_s of 16 int8 values
// (tables[s*16 : s*16+16]: the partial dot products of x's slice with the
// 16 centroids, quantised with one global scale, see QuantizeLUT16); each
// output row r has one 4-bit code c[r][s] per subspace, and for r < rows
//
//	out[r] += Σ_s int32(tables[s*16 + c[r][s]])
//
// exactly, on every kernel path. out needs rows values, codes
// LUT16CodesSize(rows, subspaces) bytes and tables 16*subspaces values; it
// panics on shorter slices.
//
// # Code layout
//
// Rows are grouped in blocks of 32 (the last block padded with code 0).
// A block holds, for each subspace s in order, 16 bytes: byte i carries the
// code of row 32*blk+i in its low nibble and that of row 32*blk+16+i in its
// high nibble:
//
//	codes[blk*subspaces*16 + s*16 + i] = c[32*blk+i][s] | c[32*blk+16+i][s]<<4
//
// So one 16-byte load feeds a PSHUFB/TBL lookup for 32 rows (the low
// nibbles, then the bytes shifted down by 4), and consecutive subspaces sit
// next to each other exactly like their tables, which lets AVX2 look up two
// and AVX-512 four subspaces per instruction, each 128-bit lane with its
// own table. PackLUT4Codes writes this layout from row-major codes.
func LUT16Accumulate(out []int32, codes []byte, tables []int8, rows, subspaces int) {
	if rows < 0 || subspaces < 0 || len(out) < rows || len(codes) < LUT16CodesSize(rows, subspaces) || len(tables) < 16*subspaces {
		panic(fmt.Sprintf("simd: LUT16Accumulate: %d rows x %d subspaces need %d outputs, %d code bytes, %d table entries; have %d, %d, %d",
			rows, subspaces, rows, LUT16CodesSize(rows, subspaces), 16*subspaces, len(out), len(codes), len(tables)))
	}
	if rows == 0 || subspaces == 0 {
		return
	}
	stride := subspaces * 16
	full := rows / 32
	for s0 := 0; s0 < subspaces; s0 += lut16Chunk {
		ns := min(lut16Chunk, subspaces-s0)
		if full > 0 {
			lut16Fn(out[:full*32], codes[s0*16:], tables[s0*16:(s0+ns)*16], full, ns, stride)
		}
	}
	// The last, partial block is exact integer work: the generic loop
	// gives the same sums as any kernel would.
	if tail := rows - full*32; tail > 0 {
		lut16Rows(out[full*32:rows], codes[full*stride:], tables[:stride], subspaces)
	}
}

// QuantizeLUT16 quantises float tables (any multiple of 16 values) to int8
// with one global scale, the standard way to run float PQ tables through
// LUT16Accumulate:
//
//	Σ_s src[s*16+c_s] ≈ scale * Σ_s dst[s*16+c_s],
//
// each table entry off by at most scale/2, so a row's sum by at most
// subspaces*scale/2. A global scale (not one per subspace) keeps the
// integer sums a plain sum. scale is max|src|/127, or 0 when every entry is
// 0 (or src is empty); NaN entries are treated as 0.
func QuantizeLUT16(dst []int8, src []float32) (scale float32) {
	dst = dst[:len(src)]
	var m float32
	for _, v := range src {
		if v < 0 {
			v = -v
		}
		if v > m {
			m = v
		}
	}
	if m == 0 {
		clear(dst)
		return 0
	}
	scale = m / 127
	inv := 127 / m
	for i, v := range src {
		dst[i] = roundS8(v * inv)
	}
	return scale
}

var (
	lut16Fn     func(out []int32, codes []byte, tables []int8, blocks, subspaces, stride int)
	lut16Family = newFamily("lut16", &lut16Fn, lut16Generic, lut16Arch...)
)
