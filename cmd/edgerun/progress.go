package main

import (
	"fmt"
	"os"
	"strings"
)

// progress draws a bar on stderr when stderr is a terminal, and nothing
// when it is a pipe or a file, so scripts get clean logs.
type progress struct {
	env   *cmdEnv
	label string
	on    bool
	drawn bool
}

func newProgress(env *cmdEnv, label string, quiet bool) *progress {
	p := &progress{env: env, label: label}
	if f, ok := env.stderr.(*os.File); ok && !quiet {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			p.on = true
		}
	}
	return p
}

func (p *progress) update(done, total int) {
	if !p.on || total <= 0 {
		return
	}
	const width = 30
	n := done * width / total
	fmt.Fprintf(p.env.stderr, "\r%s [%s%s] %d/%d", p.label, strings.Repeat("#", n), strings.Repeat(".", width-n), done, total)
	p.drawn = true
}

func (p *progress) done() {
	if p.drawn {
		fmt.Fprintln(p.env.stderr)
	}
}
