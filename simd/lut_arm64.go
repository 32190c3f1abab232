//go:build !noasm && !purego

package simd

//go:generate python3 _asm/a64words.py _asm/lut_arm64.s.in lut_arm64.s

var lut16Arch = []impl[func([]int32, []byte, []int8, int, int, int)]{
	{name: "neon", level: NEON, fn: lut16NEON},
}

//go:noescape
func lut16NEONAsm(out *int32, codes *byte, tables *int8, blocks, subspaces, stride int)

// The kernel needs blocks >= 1 and 1 <= subspaces <= lut16Chunk; the
// slices were checked by LUT16Accumulate.
func lut16NEON(out []int32, codes []byte, tables []int8, blocks, subspaces, stride int) {
	lut16NEONAsm(&out[0], &codes[0], &tables[0], blocks, subspaces, stride)
}
