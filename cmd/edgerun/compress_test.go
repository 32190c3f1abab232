package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/edgerun/edgerun/runtime"
	"github.com/stretchr/testify/require"
)

// runModel runs a model at batch 1 on the fixed bench input and returns a
// copy of its first output.
func runModel(t *testing.T, path string) []float32 {
	t.Helper()
	m, err := runtime.Open(path)
	require.NoError(t, err)
	defer m.Close()
	s, err := m.NewSession()
	require.NoError(t, err)
	defer s.Close()
	fillInput(s.Input(0), 0)
	require.NoError(t, s.Run(context.Background()))
	return append([]float32(nil), s.Output(0).F32()...)
}

func TestCompress(t *testing.T) {
	model := writeTestModel(t)
	ref := runModel(t, model)
	for _, enc := range []string{"f16", "int8", "int4", "lowrank:rank=2", "pq:m=4,k=16"} {
		out := filepath.Join(t.TempDir(), "c.edgerun")
		code, stdout, errOut := runCmd(t, "", "compress", "--encoding", enc, "--json", "-o", out, model)
		require.Equal(t, exitOK, code, "%s: %s", enc, errOut)
		var r compressReport
		require.NoError(t, json.Unmarshal([]byte(stdout), &r))
		require.Len(t, r.Report.Layers, 1)
		l := r.Report.Layers[0]
		require.Equal(t, "fc.w", l.Name)
		require.Equal(t, 3*256*4, l.DenseBytes)
		require.Less(t, l.Bytes, l.DenseBytes)
		require.Greater(t, r.Report.Ratio, 1.0)
		// The compressed model runs and its probabilities stay close.
		got := runModel(t, out)
		tol := map[string]float64{"f16": 1e-3, "int8": 1e-2, "int4": 0.1, "lowrank:rank=2": 0.5, "pq:m=4,k=16": 0.2}[enc]
		require.InDeltaSlice(t, ref, got, tol, enc)
		code, stdout, _ = runCmd(t, "", "inspect", "--json", out)
		require.Equal(t, exitOK, code)
		var ir inspectReport
		require.NoError(t, json.Unmarshal([]byte(stdout), &ir))
		require.Equal(t, "dense_encoded", ir.Nodes[3].Op)
		require.Contains(t, ir.Metadata["compression"], "fc.w=")
	}
}

func TestCompressPolicyAndErrors(t *testing.T) {
	model := writeTestModel(t)
	dir := t.TempDir()
	pol := filepath.Join(dir, "policy.txt")
	require.NoError(t, os.WriteFile(pol, []byte("# keep small layers precise\n* min=100000 int4\n* int8\n"), 0o644))
	out := filepath.Join(dir, "p.edgerun")
	code, stdout, errOut := runCmd(t, "", "compress", "--policy", pol, "-o", out, model)
	require.Equal(t, exitOK, code, errOut)
	require.Contains(t, stdout, "int8")
	require.Contains(t, stdout, "total:")

	require.NoError(t, os.WriteFile(pol, []byte("* int9\n"), 0o644))
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"compress", "--encoding", "int4", model}, exitUsage, "-o OUT is required"},
		{[]string{"compress", "-o", out, model}, exitUsage, "exactly one of"},
		{[]string{"compress", "--encoding", "int3", "-o", out, model}, exitUsage, "unknown encoding"},
		{[]string{"compress", "--policy", pol, "-o", out, model}, exitFailure, "policy line 1"},
		{[]string{"compress", "--encoding", "int4", "-o", out, filepath.Join(dir, "none.edgerun")}, exitFailure, "no such file"},
	} {
		code, _, errOut := runCmd(t, "", tc.args...)
		require.Equal(t, tc.code, code, "%v: %s", tc.args, errOut)
		require.Contains(t, errOut, tc.want, "%v", tc.args)
	}
	// A failed run leaves the earlier output untouched.
	before, err := os.ReadFile(out)
	require.NoError(t, err)
	runCmd(t, "", "compress", "--policy", pol, "-o", out, model)
	after, err := os.ReadFile(out)
	require.NoError(t, err)
	require.Equal(t, before, after)
}
