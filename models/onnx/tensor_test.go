package onnx

import "testing"

func TestSliceCount(t *testing.T) {
	for d := 0; d < 7; d++ {
		for start := int64(-9); start < 9; start++ {
			for end := int64(-9); end < 9; end++ {
				for _, step := range []int64{-3, -2, -1, 1, 2, 3} {
					idx, _ := sliceAxis(d, start, end, step)
					n, _ := sliceCount(d, start, end, step)
					if n != len(idx) {
						t.Fatalf("d %d [%d:%d:%d]: count %d, indices %v", d, start, end, step, n, idx)
					}
				}
			}
		}
	}
	if idx, _ := sliceAxis(5, 1, 1<<62, 1<<62); len(idx) != 1 {
		t.Fatalf("huge step: %v", idx)
	}
	if idx, _ := sliceAxis(5, 4, -1<<62, -1<<63); len(idx) != 1 {
		t.Fatalf("huge negative step: %v", idx)
	}
}
