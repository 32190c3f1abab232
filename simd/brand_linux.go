//go:build linux

package simd

import (
	"bufio"
	"os"
	"strings"
)

// armBrand names an ARM core from /proc/cpuinfo, which is where Linux puts
// what cpuid cannot read on ARM. It is best effort: an empty string is fine.
func armBrand() string {
	fh, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return ""
	}
	defer fh.Close()
	var impl, part, model string
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		switch k {
		case "model name", "Hardware":
			if model == "" {
				model = v
			}
		case "CPU implementer":
			impl = v
		case "CPU part":
			part = v
		}
	}
	if model != "" {
		return model
	}
	if impl != "" {
		return "implementer " + impl + " part " + part
	}
	return ""
}
