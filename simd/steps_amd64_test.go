//go:build !noasm && !purego

package simd

import (
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"
)

// The AVX2 kernel reads StepTable's fields at fixed offsets.
func TestStepTableLayout(t *testing.T) {
	var st StepTable
	require.Equal(t, []uintptr{0, 4, 8, 16, 40, 64, 72}, []uintptr{unsafe.Offsetof(st.Org), unsafe.Offsetof(st.Inv),
		unsafe.Offsetof(st.Last), unsafe.Offsetof(st.Base), unsafe.Offsetof(st.Thr), unsafe.Offsetof(st.Bias),
		unsafe.Offsetof(st.Approx)})
}
