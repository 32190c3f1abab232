package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/edgerun/edgerun/runtime"
	"github.com/edgerun/edgerun/simd"
	"github.com/stretchr/testify/require"
)

// writeTestModel writes a small conv → relu → flatten → dense → softmax
// classifier over 1×8×8 images.
func writeTestModel(t *testing.T) string {
	t.Helper()
	cw := make([]float32, 4*1*3*3)
	for i := range cw {
		cw[i] = float32(i%5) - 2
	}
	dw := make([]float32, 3*4*8*8)
	for i := range dw {
		dw[i] = float32(i%7)*0.01 - 0.03
	}
	convW, _ := runtime.F32Tensor(cw, 4, 1, 3, 3)
	convB, _ := runtime.F32Tensor([]float32{0.1, 0, -0.1, 0.2}, 4)
	denseW, _ := runtime.F32Tensor(dw, 3, 4*8*8)
	denseB, _ := runtime.F32Tensor([]float32{0, 1, 0}, 3)
	f := &runtime.File{
		Graph: &runtime.Graph{
			Inputs:  []runtime.ValueInfo{{Name: "image", DType: runtime.F32, Shape: runtime.Dims{runtime.Batch, 1, 8, 8}}},
			Outputs: []runtime.ValueInfo{{Name: "probs"}},
			Nodes: []runtime.Node{
				{Name: "conv", Op: "conv2d", Inputs: []string{"image", "conv.w", "conv.b"}, Outputs: []string{"c"}, Attrs: json.RawMessage(`{"padding": 1}`)},
				{Name: "act", Op: "relu", Inputs: []string{"c"}, Outputs: []string{"r"}},
				{Name: "flat", Op: "flatten", Inputs: []string{"r"}, Outputs: []string{"f"}},
				{Name: "fc", Op: "dense", Inputs: []string{"f", "fc.w", "fc.b"}, Outputs: []string{"logits"}},
				{Name: "sm", Op: "softmax", Inputs: []string{"logits"}, Outputs: []string{"probs"}},
			},
		},
		Tensors:  map[string]*runtime.Tensor{"conv.w": convW, "conv.b": convB, "fc.w": denseW, "fc.b": denseB},
		Metadata: map[string]string{runtime.MetaProvenance: "edgerun command tests"},
	}
	path := filepath.Join(t.TempDir(), "tiny.edgerun")
	require.NoError(t, f.WriteFile(path))
	return path
}

func TestBenchJSON(t *testing.T) {
	model := writeTestModel(t)
	code, out, errOut := runCmd(t, "", "bench", "--model", model, "--runs", "3", "--batch", "2", "--json")
	require.Equal(t, exitOK, code, errOut)
	var r benchResult
	require.NoError(t, json.Unmarshal([]byte(out), &r))
	require.Equal(t, 3, r.Latency.Runs)
	require.Equal(t, 2, r.Batch)
	require.Equal(t, simd.Active().String(), r.Level)
	require.Greater(t, r.Latency.MinMs, 0.0)
	require.LessOrEqual(t, r.Latency.MinMs, r.Latency.P50Ms)
	require.LessOrEqual(t, r.Latency.P50Ms, r.Latency.MaxMs)
	require.Greater(t, r.Throughput, 0.0)
	// Four tensors, each starting on a 64-byte boundary.
	tensors := int64(4 * (36 + 4 + 3*256 + 3))
	require.GreaterOrEqual(t, r.WeightsBytes, tensors)
	require.Less(t, r.WeightsBytes, tensors+4*64)
	require.Greater(t, r.ArenaBytes, 0)
	require.Greater(t, r.PeakRSS, int64(0))
	require.Len(t, r.Nodes, 5)
	var share float64
	for _, n := range r.Nodes {
		share += n.Share
	}
	require.InDelta(t, 1.0, share, 1e-6)
}

func TestBenchAllLevelsCSV(t *testing.T) {
	model := writeTestModel(t)
	code, out, errOut := runCmd(t, "", "bench", "--model", model, "--runs", "2", "--simd", "all", "--csv", "--profile=false")
	require.Equal(t, exitOK, code, errOut)
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 1+len(simd.Supported()))
	require.Equal(t, "simd_level", rows[0][1])
	for i, l := range simd.Supported() {
		require.Equal(t, l.String(), rows[i+1][1])
		require.Equal(t, "2", rows[i+1][4])
	}
	require.Equal(t, simd.Detected(), simd.Active(), "bench restores the level")
}

func TestBenchHuman(t *testing.T) {
	model := writeTestModel(t)
	code, out, errOut := runCmd(t, "", "bench", "--model", model, "--runs", "3")
	require.Equal(t, exitOK, code, errOut)
	require.Contains(t, out, "p99 ms")
	require.Contains(t, out, "per node at")
	require.Contains(t, out, "conv2d")
}

func TestBenchErrors(t *testing.T) {
	model := writeTestModel(t)
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"bench", "--model", model, "--runs", "-1"}, exitUsage, "--runs must not be negative"},
		{[]string{"bench", "--model", model, "--threads", "0"}, exitUsage, "--threads"},
		{[]string{"bench", "--model", model, "--simd", "sse9"}, exitUsage, "unknown SIMD level"},
		{[]string{"bench", "--model", model, "--json", "--csv"}, exitUsage, "exclusive"},
		{[]string{"bench", "--model", filepath.Join(t.TempDir(), "missing.edgerun")}, exitFailure, "no such file"},
		{[]string{"bench", "--model", writeGarbage(t)}, exitFailure, "corrupt"},
		{[]string{"bench", "extra"}, exitUsage, "unexpected argument"},
	} {
		code, _, errOut := runCmd(t, "", tc.args...)
		require.Equal(t, tc.code, code, "%v: %s", tc.args, errOut)
		require.Contains(t, strings.ToLower(errOut), strings.ToLower(tc.want), "%v", tc.args)
		require.Equal(t, 1, strings.Count(errOut, "\n"), "one line: %q", errOut)
	}
}

func writeGarbage(t *testing.T) string {
	p := filepath.Join(t.TempDir(), "garbage.edgerun")
	require.NoError(t, os.WriteFile(p, []byte("\x10\x00\x00\x00\x00\x00\x00\x00{not json at all"), 0o644))
	return p
}

func TestInspect(t *testing.T) {
	model := writeTestModel(t)
	code, out, errOut := runCmd(t, "", "inspect", "--json", model)
	require.Equal(t, exitOK, code, errOut)
	var r inspectReport
	require.NoError(t, json.Unmarshal([]byte(out), &r))
	require.True(t, r.ChecksumOK)
	require.True(t, strings.HasPrefix(r.Checksum, "sha256:"))
	require.Equal(t, "edgerun command tests", r.Metadata[runtime.MetaProvenance])
	require.Equal(t, []inspectValue{{"image", "F32", []int{-1, 1, 8, 8}}}, r.Inputs)
	require.Len(t, r.Nodes, 5)
	require.Equal(t, "conv2d", r.Nodes[0].Op)
	names := map[string]inspectTensor{}
	for _, tn := range r.Tensors {
		names[tn.Name] = tn
	}
	require.Equal(t, inspectTensor{"fc.w", "F32", []int{3, 256}, 3 * 256 * 4, "plain"}, names["fc.w"])

	code, out, _ = runCmd(t, "", "inspect", model)
	require.Equal(t, exitOK, code)
	require.Contains(t, out, "(ok)")
	require.Contains(t, out, "fc.w")

	// A flipped weight byte: the file still describes itself, the checksum
	// line says MISMATCH and the exit code is 1.
	b, err := os.ReadFile(model)
	require.NoError(t, err)
	b[len(b)-5] ^= 0x40
	bad := filepath.Join(t.TempDir(), "flipped.edgerun")
	require.NoError(t, os.WriteFile(bad, b, 0o644))
	code, out, errOut = runCmd(t, "", "inspect", bad)
	require.Equal(t, exitFailure, code)
	require.Contains(t, out, "MISMATCH")
	require.Contains(t, errOut, "checksum")

	code, _, errOut = runCmd(t, "", "inspect")
	require.Equal(t, exitUsage, code)
	require.Contains(t, errOut, "exactly one model")
}
