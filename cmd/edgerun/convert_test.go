package main

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestConvertONNXAndRun(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "pixel.edgerun")
	code, stdout, errOut := runCmd(t, "", "convert", "-o", out, "../../models/pretrained/pixel_classifier.onnx")
	require.Equal(t, exitOK, code, errOut)
	require.Contains(t, stdout, "nodes")
	// The converted pixel baseline classifies the sample as the embedded
	// pipeline's label says.
	code, stdout, errOut = runCmd(t, "", "run", "--json", "--model", out, sample)
	require.Equal(t, exitOK, code, errOut)
	var rs []runResult
	require.NoError(t, json.Unmarshal([]byte(stdout), &rs))
	require.Len(t, rs, 1)
	logits := rs[0].Outputs[0].Values.([]any)
	require.Len(t, logits, 10)
	best := 0
	for i := range logits {
		if logits[i].(float64) > logits[best].(float64) {
			best = i
		}
	}
	require.Equal(t, 0, best, "sample 00_0 is a T-shirt (class 0)")
}

func TestConvertWaLLoC(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "enc.edgerun")
	code, _, errOut := runCmd(t, "", "convert", "--size", "96x128", "-o", out, "../../testdata/walloc/rgb16x.pth")
	require.Equal(t, exitOK, code, errOut)
	code, stdout, errOut := runCmd(t, "", "inspect", "--json", out)
	require.Equal(t, exitOK, code, errOut)
	var r inspectReport
	require.NoError(t, json.Unmarshal([]byte(stdout), &r))
	var ops []string
	for _, n := range r.Nodes {
		ops = append(ops, n.Op)
	}
	require.Contains(t, ops, "wpt")
	require.Contains(t, ops, "compand")
	require.Contains(t, ops, "round_s8")
	require.Equal(t, []int{1, 12, 12, 16}, r.Outputs[0].Shape) // inferred at batch 1

	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"convert", "-o", out, "../../testdata/walloc/rgb16x.pth"}, exitUsage, "--size is required"},
		{[]string{"convert", "--size", "96x128", "--part", "decoder", "-o", out, "../../testdata/walloc/rgb16x.pth"}, exitFailure, "no linear decoder"},
		{[]string{"convert", "-o", out, "../../testdata/walloc/rgb16x.json"}, exitUsage, "convert reads"},
		{[]string{"convert", "--size", "28x28", "-o", out, "../../models/pretrained/latent_classifier.safetensors"}, exitFailure, "WaLLoC config"},
		{[]string{"convert", "-o", out, sample}, exitUsage, "convert reads"},
		{[]string{"convert", "--input-shape", "x", "-o", out, "../../models/pretrained/pixel_classifier.onnx"}, exitUsage, "NAME=D0"},
		{[]string{"convert", "-o", out, filepath.Join(dir, "none.onnx")}, exitFailure, "no such file"},
	} {
		code, _, errOut := runCmd(t, "", tc.args...)
		require.Equal(t, tc.code, code, "%v: %s", tc.args, errOut)
		require.Contains(t, errOut, tc.want, "%v", tc.args)
	}
}

// The Fashion-MNIST codec as a safetensors state dict converts to the same
// encoder as its .pth twin: identical latents on a sample image.
func TestConvertSafetensorsCodec(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "st.edgerun"), filepath.Join(dir, "pth.edgerun")
	for _, c := range [][2]string{{"../../models/pretrained/codec.safetensors", a}, {"../../models/pretrained/codec.pth", b}} {
		code, _, errOut := runCmd(t, "", "convert", "--size", "28x28", "-o", c[1], c[0])
		require.Equal(t, exitOK, code, errOut)
	}
	lat := func(model string) []any {
		code, out, errOut := runCmd(t, "", "run", "--json", "--model", model, sample)
		require.Equal(t, exitOK, code, errOut)
		var rs []runResult
		require.NoError(t, json.Unmarshal([]byte(out), &rs))
		return rs[0].Outputs[0].Values.([]any)
	}
	la, lb := lat(a), lat(b)
	require.Len(t, la, 8*4*4)
	require.Equal(t, la, lb)
}
