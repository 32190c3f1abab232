//go:build !noasm && !purego

package simd

var lut16Arch = []impl[func([]int32, []byte, []int8, int, int, int)]{
	{name: "avx2", level: AVX2, fn: lut16AVX2},
	{name: "avx512", level: AVX512, fn: lut16AVX512},
}

//go:noescape
func lut16AVX2Asm(out *int32, codes *byte, tables *int8, blocks, subspaces, stride int)

//go:noescape
func lut16AVX512Asm(out *int32, codes *byte, tables *int8, blocks, subspaces, stride int)

// The kernels need blocks >= 1 and 1 <= subspaces <= lut16Chunk; the
// slices were checked by LUT16Accumulate.
func lut16AVX2(out []int32, codes []byte, tables []int8, blocks, subspaces, stride int) {
	lut16AVX2Asm(&out[0], &codes[0], &tables[0], blocks, subspaces, stride)
}

func lut16AVX512(out []int32, codes []byte, tables []int8, blocks, subspaces, stride int) {
	lut16AVX512Asm(&out[0], &codes[0], &tables[0], blocks, subspaces, stride)
}
