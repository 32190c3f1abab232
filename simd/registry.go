package simd

import "sort"

// impl is one implementation of a kernel family: the level it belongs to
// and, where the level alone does not guarantee it, the feature bits it
// needs (VNNI on an AVX2 or AVX-512 core, for instance).
type impl[F any] struct {
	name  string
	level Level
	needs func(*Features) bool
	fn    F
}

// usable reports whether im may run on this CPU at level l.
func (im *impl[F]) usable(l Level) bool {
	if im.level > l || (im.level != Generic && !onLadder(im.level)) {
		return false
	}
	return im.needs == nil || im.needs(&cpu)
}

// family is a kernel with its implementations, generic first. The chosen
// function is stored in *dst so callers pay one indirect call.
type family[F any] struct {
	name   string
	dst    *F
	impls  []impl[F]
	chosen string
}

// chooser is what the registry needs of any family, whatever its signature.
type chooser interface {
	choose(l Level)
	familyName() string
	chosenName() string
}

var families []chooser

// newFamily registers a kernel family. It is called from package-level
// variable initialisers, which Go runs before any init function, so every
// family exists when the level is chosen.
func newFamily[F any](name string, dst *F, generic F, arch ...impl[F]) *family[F] {
	f := &family[F]{name: name, dst: dst}
	f.impls = append(f.impls, impl[F]{name: "generic", level: Generic, fn: generic})
	f.impls = append(f.impls, arch...)
	families = append(families, f)
	f.choose(Generic)
	return f
}

// choose picks the highest-level usable implementation; later entries win
// ties, so an arch file lists variants in increasing preference.
func (f *family[F]) choose(l Level) {
	best := 0
	for i := range f.impls {
		if f.impls[i].usable(l) && f.impls[i].level >= f.impls[best].level {
			best = i
		}
	}
	*f.dst = f.impls[best].fn
	f.chosen = f.impls[best].name
}

// available returns every implementation this CPU can run, for tests that
// check each against the generic twin.
func (f *family[F]) available() []impl[F] {
	var out []impl[F]
	for _, im := range f.impls {
		if im.usable(detected) {
			out = append(out, im)
		}
	}
	return out
}

func (f *family[F]) familyName() string { return f.name }
func (f *family[F]) chosenName() string { return f.chosen }

func chooseAll(l Level) {
	for _, f := range families {
		f.choose(l)
	}
}

// Kernel names a family and the implementation in force.
type Kernel struct {
	Family string `json:"family"`
	Impl   string `json:"impl"`
}

// Kernels lists every kernel family with the implementation chosen for the
// active level, sorted by family.
func Kernels() []Kernel {
	mu.Lock()
	defer mu.Unlock()
	out := make([]Kernel, len(families))
	for i, f := range families {
		out[i] = Kernel{f.familyName(), f.chosenName()}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Family < out[j].Family })
	return out
}
