// Command edgerun encodes sensor signals with the WaLLoC wavelet codec and
// runs models on the compressed latents, on ARM and x86 boards.
//
// Run "edgerun help" for the subcommands.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/edgerun/edgerun/simd"
)

// Exit codes shared by every subcommand.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// command is one subcommand. run returns an error; a usageError exits 2.
type command struct {
	name    string
	summary string
	run     func(env *cmdEnv, args []string) error
}

// cmdEnv carries the process's streams so tests can run commands in-process.
type cmdEnv struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// usageError marks a mistake in how the command was called (exit 2).
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return &usageError{fmt.Sprintf(format, a...)} }

var commands = map[string]*command{}

func register(c *command) { commands[c.name] = c }

func main() {
	env := &cmdEnv{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr}
	os.Exit(runMain(env, os.Args[1:]))
}

func runMain(env *cmdEnv, args []string) int {
	if err := simd.ConfigError(); err != nil {
		fmt.Fprintf(env.stderr, "edgerun: %v\n", err)
		return exitUsage
	}
	if len(args) == 0 {
		printHelp(env.stderr)
		return exitUsage
	}
	name := args[0]
	switch name {
	case "help", "-h", "-help", "--help":
		if len(args) > 1 {
			if c, ok := commands[args[1]]; ok {
				return finish(env, c.name, c.run(env, []string{"-help"}))
			}
		}
		printHelp(env.stdout)
		return exitOK
	case "version", "-version", "--version":
		fmt.Fprintln(env.stdout, versionString())
		return exitOK
	}
	c, ok := commands[name]
	if !ok {
		fmt.Fprintf(env.stderr, "edgerun: unknown command %q (run 'edgerun help' for the list)\n", name)
		return exitUsage
	}
	return finish(env, name, c.run(env, args[1:]))
}

func finish(env *cmdEnv, name string, err error) int {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	msg := strings.ReplaceAll(err.Error(), "\n", " ")
	fmt.Fprintf(env.stderr, "edgerun %s: %s\n", name, msg)
	var ue *usageError
	if errors.As(err, &ue) {
		return exitUsage
	}
	return exitFailure
}

func printHelp(w io.Writer) {
	fmt.Fprintln(w, "edgerun: wavelet codec and compressed-domain inference for sensors")
	fmt.Fprintln(w, "\nUsage: edgerun <command> [flags] [args]\n\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'edgerun <command> -help' for a command's flags.")
}

// newFlagSet returns a flag set that reports errors instead of exiting, so
// every subcommand maps bad flags to exit code 2 the same way.
func newFlagSet(env *cmdEnv, name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: edgerun %s %s\n\nFlags:\n", name, usage)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args and wraps flag errors as usage errors.
// The flag package prints usage on every error; a one-line message is
// kinder in scripts, so the full usage is shown only for -help.
func parseFlags(fs *flag.FlagSet, args []string) error {
	out := fs.Output()
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	fs.SetOutput(out)
	if errors.Is(err, flag.ErrHelp) {
		fs.Usage()
		return err
	}
	if err != nil {
		return usagef("%v", err)
	}
	return nil
}
