//go:build (amd64 || arm64) && !noasm && !purego

package simd

import (
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"
)

// The AVX2 and NEON companding kernels read StepApprox's fields at fixed
// offsets: Inv, Margin, and the coefficients across vectors.
func TestStepApproxLayout(t *testing.T) {
	var a StepApprox
	require.Equal(t, []uintptr{0, 4, 8, 40, 296}, []uintptr{unsafe.Offsetof(a.Inv), unsafe.Offsetof(a.Margin),
		unsafe.Offsetof(a.Coef), unsafe.Offsetof(a.vec), unsafe.Sizeof(a)})
}
