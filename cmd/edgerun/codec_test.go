package main

import (
	"bytes"

	"encoding/json"
	"github.com/edgerun/edgerun/codec"
	"github.com/edgerun/edgerun/codec/signal"
	"github.com/edgerun/edgerun/internal/npy"
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

// The golden stereo codec streams a WAV: its one 4096-sample segment is the
// reference's whole input, so the latents must be the reference's (up to
// the 16-bit quantisation of the WAV moving a value across a rounding
// boundary).
func TestEncodeWAVStream(t *testing.T) {
	xa, err := npy.ReadFile("../../testdata/walloc/stereo_x.npy")
	require.NoError(t, err)
	x, err := xa.Float32()
	require.NoError(t, err)
	n := xa.Shape[2]
	var wav bytes.Buffer
	w, err := signal.NewWAVWriter(&wav, 16000, 2)
	require.NoError(t, err)
	require.NoError(t, w.Write([][]float32{x[:n], x[n:]}))
	require.NoError(t, w.Close())

	dir := t.TempDir()
	out := filepath.Join(dir, "s.elc")
	// Through stdin, as a recorder would pipe it.
	code, stdout, errOut := runCmd(t, wav.String(), "encode", "--codec", "../../testdata/walloc/stereo", "--json", "-o", out, "-")
	require.Equal(t, exitOK, code, errOut)
	var r codecResult
	require.NoError(t, json.Unmarshal([]byte(stdout), &r))
	require.Equal(t, []int{n}, r.Signal)
	require.Equal(t, []int{16, 130}, r.Latent)

	b, err := os.ReadFile(out)
	require.NoError(t, err)
	st, err := codec.Decode(bytes.NewReader(b), nil)
	require.NoError(t, err)
	require.True(t, st.Header.Streamed)
	require.Equal(t, []int{n}, st.Header.Signal)
	la, err := npy.ReadFile("../../testdata/walloc/stereo_latent.npy")
	require.NoError(t, err)
	want, err := la.Int8()
	require.NoError(t, err)
	require.Len(t, st.Latent, len(want))
	differ := 0
	for i := range want {
		d := int(st.Latent[i]) - int(want[i])
		require.LessOrEqual(t, d*d, 1, "latent %d: %d vs %d", i, st.Latent[i], want[i])
		if d != 0 {
			differ++
		}
	}
	require.Less(t, differ, len(want)/50, "%d of %d latents moved", differ, len(want))
}

// A longer recording streams as several segments and the end chunk keeps
// its true length.
func TestEncodeWAVSegments(t *testing.T) {
	const n = 10000
	ch := [][]float32{make([]float32, n), make([]float32, n)}
	for i := 0; i < n; i++ {
		ch[0][i] = float32(i%97)/200 - 0.25
		ch[1][i] = float32(i%31)/100 - 0.15
	}
	var wav bytes.Buffer
	w, err := signal.NewWAVWriter(&wav, 16000, 2)
	require.NoError(t, err)
	require.NoError(t, w.Write(ch))
	require.NoError(t, w.Close())
	out := filepath.Join(t.TempDir(), "long.elc")
	code, stdout, errOut := runCmd(t, wav.String(), "encode", "--codec", "../../testdata/walloc/stereo", "--json", "-o", out, "-")
	require.Equal(t, exitOK, code, errOut)
	var r codecResult
	require.NoError(t, json.Unmarshal([]byte(stdout), &r))
	require.Equal(t, []int{16, 3 * 130}, r.Latent, "three 4096-sample segments")
	b, err := os.ReadFile(out)
	require.NoError(t, err)
	st, err := codec.Decode(bytes.NewReader(b), nil)
	require.NoError(t, err)
	require.Equal(t, []int{n}, st.Header.Signal)
	require.Equal(t, 3*4096-n, st.Header.Pad[0][1])
	require.Len(t, st.Latent, 16*3*130)
}
