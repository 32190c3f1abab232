package simd

import "fmt"

// Unzip2 splits src into its even- and odd-indexed floats:
//
//	even[i] = src[2i]   for i < (len(src)+1)/2
//	odd[i]  = src[2i+1] for i < len(src)/2
//
// which is how a stride-2 convolution's input row is split into the two
// phases that make its outputs read consecutive floats. It panics if even
// or odd is too short.
func Unzip2(even, odd, src []float32) {
	ne, no := (len(src)+1)/2, len(src)/2
	if len(even) < ne || len(odd) < no {
		panic(fmt.Sprintf("simd: Unzip2: %d floats into %d and %d", len(src), len(even), len(odd)))
	}
	if len(src) == 0 {
		return
	}
	f32RaceRead(src)
	f32RaceWrite(even[:ne])
	f32RaceWrite(odd[:no])
	unzip2Fn(even[:ne], odd[:no], src)
}

var unzip2Fn func(even, odd, src []float32)

var unzip2Family = newFamily("unzip2", &unzip2Fn, unzip2Generic, unzip2Arch...)

// unzip2Generic is the Go twin of Unzip2 (even and odd of exact length).
func unzip2Generic(even, odd, src []float32) {
	for i := range even {
		even[i] = src[2*i]
	}
	for i := range odd {
		odd[i] = src[2*i+1]
	}
}
