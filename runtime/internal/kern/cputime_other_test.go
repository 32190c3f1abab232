//go:build !linux

package kern

// cpuSeconds is unavailable here; benchmarks then report wall-clock rates only.
func cpuSeconds() float64 { return 0 }
