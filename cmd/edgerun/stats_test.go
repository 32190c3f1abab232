package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestSummarize(t *testing.T) {
	var d []time.Duration
	for i := 100; i >= 1; i-- {
		d = append(d, time.Duration(i)*time.Millisecond)
	}
	s := summarize(d)
	require.Equal(t, 100, s.Runs)
	require.Equal(t, 1.0, s.MinMs)
	require.Equal(t, 50.0, s.P50Ms)
	require.Equal(t, 90.0, s.P90Ms)
	require.Equal(t, 99.0, s.P99Ms)
	require.Equal(t, 100.0, s.MaxMs)
	require.InDelta(t, 50.5, s.Mean, 1e-9)
	require.Equal(t, 100*time.Millisecond, d[0], "input order untouched")
	one := summarize([]time.Duration{3 * time.Millisecond})
	require.Equal(t, 3.0, one.P99Ms)
	require.Equal(t, latencyStats{}, summarize(nil))
}

func TestPeakRSS(t *testing.T) {
	before := peakRSS()
	require.Greater(t, before, int64(1<<20), "a Go process holds at least a MiB")
	// Touch more than the peak so far: whatever memory earlier tests freed,
	// the high-water mark must now cover this buffer.
	buf := make([]byte, before+32<<20)
	for i := range buf {
		buf[i] = byte(i)
	}
	require.GreaterOrEqual(t, peakRSS(), int64(len(buf)))
	_ = buf[len(buf)-1]
}
