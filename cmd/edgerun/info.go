package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/edgerun/edgerun/simd"
)

func init() {
	register(&command{name: "info", summary: "CPU, SIMD level and kernels in force, build information", run: runInfo})
}

// infoReport is the JSON shape of "edgerun info --json".
type infoReport struct {
	Version   string        `json:"version"`
	GoVersion string        `json:"go_version"`
	OS        string        `json:"os"`
	Arch      string        `json:"arch"`
	CPU       string        `json:"cpu"`
	Cores     int           `json:"cores"`
	Features  []string      `json:"features"`
	Level     string        `json:"level"`
	Detected  string        `json:"detected_level"`
	Supported []string      `json:"supported_levels"`
	Reason    string        `json:"reason"`
	Kernels   []simd.Kernel `json:"kernels"`
}

func runInfo(env *cmdEnv, args []string) error {
	fs := newFlagSet(env, "info", "[--json]")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	f := simd.CPU()
	r := infoReport{
		Version:   versionString(),
		GoVersion: runtime.Version(),
		OS:        runtime.GOOS,
		Arch:      archString(),
		CPU:       f.Brand,
		Cores:     runtime.NumCPU(),
		Features:  f.List(),
		Level:     simd.Active().String(),
		Detected:  simd.Detected().String(),
		Reason:    simd.Reason(),
		Kernels:   simd.Kernels(),
	}
	if r.Features == nil {
		r.Features = []string{}
	}
	for _, l := range simd.Supported() {
		r.Supported = append(r.Supported, l.String())
	}
	if *asJSON {
		return writeJSON(env, r)
	}
	w := env.stdout
	fmt.Fprintf(w, "edgerun   %s (%s, %s/%s)\n", r.Version, r.GoVersion, r.OS, r.Arch)
	cpuName := r.CPU
	if cpuName == "" {
		cpuName = "unknown"
	}
	fmt.Fprintf(w, "cpu       %s, %d cores\n", cpuName, r.Cores)
	fmt.Fprintf(w, "features  %s\n", strings.Join(r.Features, " "))
	fmt.Fprintf(w, "level     %s: %s\n", r.Level, r.Reason)
	fmt.Fprintf(w, "levels    %s\n", strings.Join(r.Supported, " "))
	fmt.Fprintln(w, "kernels")
	for _, k := range r.Kernels {
		fmt.Fprintf(w, "  %-14s %s\n", k.Family, k.Impl)
	}
	return nil
}

func archString() string {
	if runtime.GOARCH != "arm" {
		return runtime.GOARCH
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "GOARM" {
				return "arm/v" + strings.TrimSuffix(s.Value, ",softfloat")
			}
		}
	}
	return "arm"
}

// version is set by the Makefile with -ldflags "-X main.version=...".
var version = ""

func versionString() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		var rev, dirty string
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				if s.Value == "true" {
					dirty = "+dirty"
				}
			}
		}
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if rev != "" {
			return "dev-" + rev + dirty
		}
	}
	return "dev"
}
