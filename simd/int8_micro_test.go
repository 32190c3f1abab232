package simd

import (
	"testing"
	"unsafe"
)

func BenchmarkI8Micro(b *testing.B) {
	for _, im := range i8Impls() {
		k := im.fn
		b.Run(im.name, func(b *testing.B) {
			groups := 128
			a := make([]byte, groups*k.mr*k.kg*k.esz())
			bb := make([]byte, groups*k.nr*k.kg*k.esz())
			c := make([]int32, k.mr*k.nr)
			for b.Loop() {
				k.micro(groups, unsafe.Pointer(&a[0]), unsafe.Pointer(&bb[0]), &c[0], k.nr, nil)
			}
			b.ReportMetric(2*float64(groups*k.kg*k.mr*k.nr)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GOP/s")
		})
	}
}
