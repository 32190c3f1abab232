package simd

import (
	"runtime"
	"strings"

	"github.com/klauspost/cpuid/v2"
)

// Features are the CPU capabilities the kernels care about. The AVX and
// AVX-512 bits are set only when the operating system also saves the wider
// register state (cpuid/v2 checks XGETBV), so a kernel gated on them cannot
// fault with an illegal instruction.
type Features struct {
	Brand string `json:"brand"`
	// amd64
	SSE41      bool `json:"sse41,omitempty"`
	AVX        bool `json:"avx,omitempty"`
	AVX2       bool `json:"avx2,omitempty"`
	FMA        bool `json:"fma,omitempty"`
	F16C       bool `json:"f16c,omitempty"`
	AVX512F    bool `json:"avx512f,omitempty"`
	AVX512BW   bool `json:"avx512bw,omitempty"`
	AVX512DQ   bool `json:"avx512dq,omitempty"`
	AVX512VL   bool `json:"avx512vl,omitempty"`
	AVX512VNNI bool `json:"avx512vnni,omitempty"`
	AVX512BF16 bool `json:"avx512bf16,omitempty"`
	AVXVNNI    bool `json:"avxvnni,omitempty"`
	// arm64 and arm
	NEON    bool `json:"neon,omitempty"`
	DotProd bool `json:"dotprod,omitempty"`
	I8MM    bool `json:"i8mm,omitempty"`
	FP16    bool `json:"fp16,omitempty"`
	BF16    bool `json:"bf16,omitempty"`
	SVE     bool `json:"sve,omitempty"`
}

// List returns the names of the features present, in a fixed order.
func (f *Features) List() []string {
	var out []string
	add := func(ok bool, name string) {
		if ok {
			out = append(out, name)
		}
	}
	add(f.SSE41, "sse4.1")
	add(f.AVX, "avx")
	add(f.AVX2, "avx2")
	add(f.FMA, "fma")
	add(f.F16C, "f16c")
	add(f.AVX512F, "avx512f")
	add(f.AVX512BW, "avx512bw")
	add(f.AVX512DQ, "avx512dq")
	add(f.AVX512VL, "avx512vl")
	add(f.AVX512VNNI, "avx512vnni")
	add(f.AVX512BF16, "avx512bf16")
	add(f.AVXVNNI, "avxvnni")
	add(f.NEON, "neon")
	add(f.DotProd, "dotprod")
	add(f.I8MM, "i8mm")
	add(f.FP16, "fp16")
	add(f.BF16, "bf16")
	add(f.SVE, "sve")
	return out
}

var cpu = detectFeatures()

// CPU returns the features detected at startup.
func CPU() Features { return cpu }

// archName is GOARCH, kept as a variable so messages read naturally.
var archName = runtime.GOARCH

func detectFeatures() Features {
	c := &cpuid.CPU
	f := Features{Brand: strings.TrimSpace(c.BrandName)}
	switch runtime.GOARCH {
	case "amd64":
		f.SSE41 = c.Has(cpuid.SSE4)
		f.AVX = c.Has(cpuid.AVX)
		f.AVX2 = c.Has(cpuid.AVX2)
		f.FMA = c.Has(cpuid.FMA3)
		f.F16C = c.Has(cpuid.F16C)
		f.AVX512F = c.Has(cpuid.AVX512F)
		f.AVX512BW = c.Has(cpuid.AVX512BW)
		f.AVX512DQ = c.Has(cpuid.AVX512DQ)
		f.AVX512VL = c.Has(cpuid.AVX512VL)
		f.AVX512VNNI = c.Has(cpuid.AVX512VNNI)
		f.AVX512BF16 = c.Has(cpuid.AVX512BF16)
		f.AVXVNNI = c.Has(cpuid.AVXVNNI)
	case "arm64":
		f.NEON = c.Has(cpuid.ASIMD)
		f.DotProd = c.Has(cpuid.ASIMDDP)
		f.I8MM = c.Has(cpuid.I8MM)
		f.FP16 = c.Has(cpuid.ASIMDHP)
		f.BF16 = c.Has(cpuid.BF16)
		f.SVE = c.Has(cpuid.SVE)
		if f.Brand == "" {
			f.Brand = armBrand()
		}
	case "arm":
		f.NEON = armHasNEON()
		f.Brand = armBrand()
	}
	return f
}

// detectLevel maps features onto the ladder of this architecture and build.
func detectLevel(f Features) Level {
	best := Generic
	for _, l := range ladder {
		if levelSupported(&f, l) {
			best = l
		}
	}
	return best
}

func levelSupported(f *Features, l Level) bool {
	switch l {
	case Generic:
		return true
	case SSE4:
		return f.SSE41
	case AVX2:
		return f.AVX2 && f.FMA && f.F16C
	case AVX512:
		return f.AVX2 && f.FMA && f.F16C && f.AVX512F && f.AVX512BW && f.AVX512DQ && f.AVX512VL
	case NEON:
		return f.NEON
	case DotProd:
		return f.NEON && f.DotProd
	case I8MM:
		return f.NEON && f.DotProd && f.I8MM
	}
	return false
}
