package simd

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestExpectedLevel pins dispatch under each emulated CPU of the QEMU
// matrix: scripts/test-qemu.sh sets EDGERUN_EXPECT_LEVEL to the level that
// CPU model must get (neon on cortex-a53, i8mm on max, sse4 on Nehalem...).
func TestExpectedLevel(t *testing.T) {
	want := os.Getenv("EDGERUN_EXPECT_LEVEL")
	if want == "" {
		t.Skip("EDGERUN_EXPECT_LEVEL not set (only the QEMU matrix pins a level)")
	}
	l, err := ParseLevel(want)
	require.NoError(t, err)
	require.Equal(t, l, Detected(), "features: %v", cpu.List())
	require.Equal(t, l, Active())
}

func TestParseLevel(t *testing.T) {
	for i, n := range levelNames {
		l, err := ParseLevel(n)
		require.NoError(t, err)
		require.Equal(t, Level(i), l)
		require.Equal(t, n, l.String())
	}
	l, err := ParseLevel(" AVX2 ")
	require.NoError(t, err)
	require.Equal(t, AVX2, l)
	_, err = ParseLevel("sse9")
	require.ErrorContains(t, err, `unknown SIMD level "sse9"`)
}

func TestLevelFromEnv(t *testing.T) {
	top := ladder[len(ladder)-1]
	l, _, err := levelFromEnv("", top)
	require.NoError(t, err)
	require.Equal(t, top, l)

	l, why, err := levelFromEnv("generic", top)
	require.NoError(t, err)
	require.Equal(t, Generic, l)
	require.Contains(t, why, "EDGERUN_SIMD=generic")

	_, _, err = levelFromEnv("bogus", top)
	require.ErrorContains(t, err, "EDGERUN_SIMD")

	// A level of another architecture is refused, naming this one's ladder.
	foreign := NEON
	if onLadder(NEON) {
		foreign = AVX2
	}
	l, _, err = levelFromEnv(foreign.String(), top)
	require.ErrorContains(t, err, "not available on "+archName)
	require.Equal(t, top, l, "a refused value must not lower the level silently")

	// Asking for more than the CPU has is refused too.
	if len(ladder) > 1 {
		l, _, err = levelFromEnv(top.String(), Generic)
		require.ErrorContains(t, err, "supports at most generic")
		require.Equal(t, Generic, l)
	}
}

func TestSupportedLadder(t *testing.T) {
	s := Supported()
	require.NotEmpty(t, s)
	require.Equal(t, Generic, s[0])
	require.Equal(t, Detected(), s[len(s)-1])
	for _, l := range s {
		require.True(t, levelSupported(&cpu, l), "level %s listed but not supported", l)
	}
	require.Error(t, SetLevel(Level(200)))
}

func TestKernelsFollowLevel(t *testing.T) {
	defer restoreLevel(t)()
	for _, l := range Supported() {
		require.NoError(t, SetLevel(l))
		for _, k := range Kernels() {
			// A kernel chosen at level l must be the generic one or named
			// after a level no higher than l.
			if k.Impl == "generic" {
				continue
			}
			ok := false
			for _, s := range Supported() {
				if s <= l && strings.HasPrefix(k.Impl, s.String()) {
					ok = true
				}
			}
			require.True(t, ok, "family %s at level %s uses %s", k.Family, l, k.Impl)
		}
	}
}

// restoreLevel returns a function that puts the level back as it was.
func restoreLevel(t *testing.T) func() {
	t.Helper()
	prev := Active()
	return func() { require.NoError(t, SetLevel(prev)) }
}
