package main

import "testing"

// split must cover [0, n) exactly once, in aligned pieces, for any thread
// count, or the threaded GEMM rows would time a different product.
func TestSplitCoversOnce(t *testing.T) {
	for _, n := range []int{1, 7, 63, 64, 65, 512, 1000} {
		for tc := 1; tc <= 9; tc++ {
			seen := make([]int, n)
			for p := 0; p < tc; p++ {
				lo, hi := split(n, tc, p, 64)
				if lo > hi || lo%64 != 0 {
					t.Fatalf("n=%d t=%d part %d: [%d,%d)", n, tc, p, lo, hi)
				}
				for j := lo; j < hi; j++ {
					seen[j]++
				}
			}
			for j, c := range seen {
				if c != 1 {
					t.Fatalf("n=%d t=%d: column %d covered %d times", n, tc, j, c)
				}
			}
		}
	}
}
