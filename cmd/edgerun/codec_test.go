package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

const sample = "../../models/pretrained/samples/00_0.pgm"

func TestEncodeDecodeDefault(t *testing.T) {
	dir := t.TempDir()
	stream := filepath.Join(dir, "s.elc")
	code, out, errOut := runCmd(t, "", "encode", "--json", "-o", stream, sample)
	require.Equal(t, exitOK, code, errOut)
	var r codecResult
	require.NoError(t, json.Unmarshal([]byte(out), &r))
	require.Equal(t, []int{28, 28}, r.Signal)
	require.Equal(t, []int{8, 4, 4}, r.Latent)
	require.Equal(t, int64(784), r.InputBytes)
	st, err := os.Stat(stream)
	require.NoError(t, err)
	require.Equal(t, st.Size(), r.StreamBytes)
	require.Less(t, r.StreamBytes, int64(784/2))

	recon := filepath.Join(dir, "r.pgm")
	code, out, errOut = runCmd(t, "", "decode", "--json", "--original", sample, "-o", recon, stream)
	require.Equal(t, exitOK, code, errOut)
	require.NoError(t, json.Unmarshal([]byte(out), &r))
	// The trained codec averages 19.3 dB over the test set (RESULTS.md).
	require.Greater(t, r.PSNR, 15.0)
	require.Less(t, r.PSNR, 30.0)
	b, err := os.ReadFile(recon)
	require.NoError(t, err)
	require.Equal(t, "P5\n28 28\n255\n", string(b[:13]))

	// Through stdin and stdout.
	in, _ := os.ReadFile(sample)
	code, out, errOut = runCmd(t, string(in), "encode", "-o", "-", "-")
	require.Equal(t, exitOK, code, errOut)
	sb, _ := os.ReadFile(stream)
	require.Equal(t, string(sb), out, "the same bytes whichever way the image arrives")
}

func TestEncodeDecodeGoldenLinear(t *testing.T) {
	dir := t.TempDir()
	codecP := "../../testdata/walloc/linear4x"
	img := "../../testdata/walloc/linear4x_input.png"
	stream := filepath.Join(dir, "l.elc")
	code, _, errOut := runCmd(t, "", "encode", "--codec", codecP, "-o", stream, img)
	require.Equal(t, exitOK, code, errOut)
	code, out, errOut := runCmd(t, "", "decode", "--codec", codecP, "--json", "--original", img, "-o", filepath.Join(dir, "l.png"), stream)
	require.Equal(t, exitOK, code, errOut)
	var r codecResult
	require.NoError(t, json.Unmarshal([]byte(out), &r))
	// CASES.json: the reference reconstruction of this random-weight codec
	// has a PSNR of 5.007 dB.
	require.InDelta(t, 5.007, r.PSNR, 0.05)

	// A stream decoded with the wrong codec is refused by its model hash.
	code, _, errOut = runCmd(t, "", "decode", "-o", filepath.Join(dir, "x.png"), stream)
	require.Equal(t, exitFailure, code)
	require.Contains(t, errOut, "made by another codec")
}

func TestCodecErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.elc")
	require.NoError(t, os.WriteFile(bad, []byte("not a stream at all"), 0o644))
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"encode", sample}, exitUsage, "want -o OUT"},
		{[]string{"encode", "-o", filepath.Join(dir, "o"), filepath.Join(dir, "missing.png")}, exitFailure, "no such file"},
		{[]string{"encode", "-o", filepath.Join(dir, "o"), bad}, exitFailure, "malformed"},
		{[]string{"encode", "-o", filepath.Join(dir, "o"), "../../testdata/walloc/linear4x_input.png"}, exitFailure, "channels"},
		{[]string{"decode", "-o", filepath.Join(dir, "o.png"), bad}, exitFailure, "codec"},
		{[]string{"encode", "--codec", filepath.Join(dir, "nope"), "-o", "x", sample}, exitFailure, "no such file"},
	} {
		code, _, errOut := runCmd(t, "", tc.args...)
		require.Equal(t, tc.code, code, "%v: %s", tc.args, errOut)
		require.Contains(t, errOut, tc.want, "%v", tc.args)
	}
	_, err := os.Stat(filepath.Join(dir, "o"))
	require.True(t, os.IsNotExist(err), "a failed run writes nothing")
}
