package simd

// lut16Generic adds the lookups of whole 32-row blocks into out[:blocks*32];
// block b's codes start at codes[b*stride], and only the first subspaces
// tables are used.
func lut16Generic(out []int32, codes []byte, tables []int8, blocks, subspaces, stride int) {
	for b := 0; b < blocks; b++ {
		lut16Rows(out[b*32:b*32+32], codes[b*stride:], tables, subspaces)
	}
}

// lut16Rows adds the lookups of one block's first len(out) (at most 32)
// rows into out.
func lut16Rows(out []int32, codes []byte, tables []int8, subspaces int) {
	lo := out[:min(16, len(out))]
	hi := out[len(lo):]
	for s := 0; s < subspaces; s++ {
		t := (*[16]int8)(tables[s*16:])
		c := (*[16]byte)(codes[s*16:])
		for i := range lo {
			lo[i] += int32(t[c[i]&15])
		}
		for i := range hi {
			hi[i] += int32(t[c[i]>>4])
		}
	}
}
