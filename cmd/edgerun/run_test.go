package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/edgerun/edgerun/internal/npy"
	"github.com/stretchr/testify/require"
)

func TestRunDefault(t *testing.T) {
	code, out, errOut := runCmd(t, "", "run", "--json")
	require.Equal(t, exitOK, code, errOut)
	var rs []runResult
	require.NoError(t, json.Unmarshal([]byte(out), &rs))
	require.Len(t, rs, 16)
	right := 0
	for _, r := range rs {
		require.NotNil(t, r.Class)
		require.NotNil(t, r.Score)
		require.Greater(t, *r.Score, 0.1)
		require.LessOrEqual(t, *r.Score, 1.0)
		require.Equal(t, 784, r.InputBytes)
		require.Equal(t, 128, r.Latent)
		if r.Label == r.Expected {
			right++
		}
	}
	// The latent classifier scores 89% on the test set; the 16 samples are
	// the first test images, which PyTorch also gets right.
	require.GreaterOrEqual(t, right, 14)

	code, out, _ = runCmd(t, "", "run")
	require.Equal(t, exitOK, code)
	require.Contains(t, out, "latent 128 B of 784 B (6.1x)")
	require.Contains(t, out, "sample images classified as labelled")
}

func TestRunInputs(t *testing.T) {
	// The same image as a PGM file, through stdin, and as .npy.
	code, out, errOut := runCmd(t, "", "run", "--json", sample)
	require.Equal(t, exitOK, code, errOut)
	var a []runResult
	require.NoError(t, json.Unmarshal([]byte(out), &a))
	in, err := os.ReadFile(sample)
	require.NoError(t, err)
	code, out, errOut = runCmd(t, string(in), "run", "--json", "-")
	require.Equal(t, exitOK, code, errOut)
	var b []runResult
	require.NoError(t, json.Unmarshal([]byte(out), &b))
	require.Equal(t, *a[0].Class, *b[0].Class)
	require.Equal(t, *a[0].Score, *b[0].Score)

	// An npy array: the pixels of the PGM (after its 15-byte header).
	np := filepath.Join(t.TempDir(), "x.npy")
	f, err := os.Create(np)
	require.NoError(t, err)
	require.NoError(t, npy.Write(f, &npy.Array{Dtype: "u1", Shape: []int{1, 1, 28, 28}, Data: in[len(in)-784:]}))
	f.Close()
	code, out, errOut = runCmd(t, "", "run", "--json", np)
	require.Equal(t, exitOK, code, errOut)
	var c []runResult
	require.NoError(t, json.Unmarshal([]byte(out), &c))
	require.Equal(t, *a[0].Score, *c[0].Score)
}

func TestRunErrors(t *testing.T) {
	dir := t.TempDir()
	wrongSize := "../../testdata/signal/camera_crop.png"
	bad := filepath.Join(dir, "x.npy")
	f, _ := os.Create(bad)
	npy.Write(f, npy.FromFloat32([]float32{1, 2, 3}, 3))
	f.Close()
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"run", wrongSize}, exitFailure, "image of 1×64×80 for input U8[1 1 28 28]"},
		{[]string{"run", bad}, exitFailure, "array of shape [3]"},
		{[]string{"run", filepath.Join(dir, "missing.png")}, exitFailure, "no such file"},
		{[]string{"run", "--model", writeTestModel(t)}, exitUsage, "at least one input"},
		{[]string{"run", "--threads", "0"}, exitUsage, "--threads"},
	} {
		code, _, errOut := runCmd(t, "", tc.args...)
		require.Equal(t, tc.code, code, "%v: %s", tc.args, errOut)
		require.Contains(t, errOut, tc.want, "%v", tc.args)
		require.Equal(t, 1, strings.Count(errOut, "\n"))
	}
}

func TestBenchDefault(t *testing.T) {
	code, out, errOut := runCmd(t, "", "bench", "--runs", "3", "--json")
	require.Equal(t, exitOK, code, errOut)
	var r benchResult
	require.NoError(t, json.Unmarshal([]byte(out), &r))
	require.Equal(t, 3, r.Latency.Runs)
	require.Contains(t, r.Model, "default")
}
