package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/edgerun/edgerun/simd"
	"github.com/stretchr/testify/require"
)

// runCmd runs edgerun in-process (so it also works under QEMU, where a
// child process of another architecture could not be started).
func runCmd(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var o, e bytes.Buffer
	env := &cmdEnv{stdin: strings.NewReader(stdin), stdout: &o, stderr: &e}
	code = runMain(env, args)
	return code, o.String(), e.String()
}

func TestInfoJSON(t *testing.T) {
	code, out, errOut := runCmd(t, "", "info", "--json")
	require.Equal(t, exitOK, code, errOut)
	var r infoReport
	require.NoError(t, json.Unmarshal([]byte(out), &r))
	require.Equal(t, simd.Active().String(), r.Level)
	require.Equal(t, simd.Detected().String(), r.Detected)
	require.Equal(t, "generic", r.Supported[0])
	require.Equal(t, simd.Kernels(), r.Kernels)
	require.NotEmpty(t, r.GoVersion)
}

func TestInfoHuman(t *testing.T) {
	code, out, _ := runCmd(t, "", "info")
	require.Equal(t, exitOK, code)
	require.Contains(t, out, "level     "+simd.Active().String())
}

func TestUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"frobnicate"}, `unknown command "frobnicate"`},
		{[]string{"info", "--bogus"}, "flag provided but not defined: -bogus"},
		{[]string{"info", "extra"}, `unexpected argument "extra"`},
	} {
		code, _, errOut := runCmd(t, "", tc.args...)
		require.Equal(t, exitUsage, code, "%v", tc.args)
		require.Contains(t, errOut, tc.want)
		require.Equal(t, 1, strings.Count(errOut, "\n"), "one-line message: %q", errOut)
	}
	code, _, _ := runCmd(t, "")
	require.Equal(t, exitUsage, code)
	code, out, _ := runCmd(t, "", "help")
	require.Equal(t, exitOK, code)
	require.Contains(t, out, "info")
}
