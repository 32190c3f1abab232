//go:build !linux

package codec

func cpuSeconds() float64 { return 0 }
