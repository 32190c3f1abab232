package simd

import "unsafe"

// i8KernelGeneric is the pure-Go twin: uint8 A, int8 B, groups of 4 k,
// 4×8 tiles.
var i8KernelGeneric = i8Kernel{mr: 4, nr: 8, kg: 4, micro: i8MicroGeneric, row1: i8Row1Generic}

func i8MicroGeneric(groups int, a, b unsafe.Pointer, c *int32, ldc int, init *int32) {
	const mr, nr, kg = 4, 8, 4
	as := unsafe.Slice((*uint8)(a), groups*mr*kg)
	bs := unsafe.Slice((*int8)(b), groups*nr*kg)
	var acc [mr][nr]int32
	for g := 0; g < groups; g++ {
		ag := as[g*mr*kg : (g+1)*mr*kg]
		bg := bs[g*nr*kg : (g+1)*nr*kg]
		for r := 0; r < mr; r++ {
			a0, a1, a2, a3 := int32(ag[r*kg]), int32(ag[r*kg+1]), int32(ag[r*kg+2]), int32(ag[r*kg+3])
			row := &acc[r]
			for j := 0; j < nr; j++ {
				bj := bg[j*kg : j*kg+kg]
				row[j] += a0*int32(bj[0]) + a1*int32(bj[1]) + a2*int32(bj[2]) + a3*int32(bj[3])
			}
		}
	}
	cs := unsafe.Slice(c, (mr-1)*ldc+nr)
	if init != nil {
		in := unsafe.Slice(init, nr)
		for r := 0; r < mr; r++ {
			row := cs[r*ldc : r*ldc+nr]
			for j := range row {
				row[j] = in[j] + acc[r][j]
			}
		}
		return
	}
	for r := 0; r < mr; r++ {
		row := cs[r*ldc : r*ldc+nr]
		for j := range row {
			row[j] += acc[r][j]
		}
	}
}

func i8Row1Generic(groups int, a unsafe.Pointer, aStride int, b unsafe.Pointer, c *int32, init *int32) {
	const nr, kg = 8, 4
	bs := unsafe.Slice((*int8)(b), groups*nr*kg)
	var acc [nr]int32
	for g := 0; g < groups; g++ {
		ag := unsafe.Slice((*uint8)(unsafe.Add(a, g*aStride)), kg)
		a0, a1, a2, a3 := int32(ag[0]), int32(ag[1]), int32(ag[2]), int32(ag[3])
		bg := bs[g*nr*kg : (g+1)*nr*kg]
		for j := range acc {
			bj := bg[j*kg : j*kg+kg]
			acc[j] += a0*int32(bj[0]) + a1*int32(bj[1]) + a2*int32(bj[2]) + a3*int32(bj[3])
		}
	}
	cs := unsafe.Slice(c, nr)
	if init != nil {
		in := unsafe.Slice(init, nr)
		for j := range cs {
			cs[j] = in[j] + acc[j]
		}
		return
	}
	for j := range cs {
		cs[j] += acc[j]
	}
}
