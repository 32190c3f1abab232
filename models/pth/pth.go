// Package pth reads PyTorch checkpoints written by torch.save (the zip format of
// PyTorch 1.6 and later): a zip archive holding data.pkl, a pickle of the saved
// object, and one entry per tensor storage under data/.
//
// Pickles can run arbitrary code when Python loads them; this package never
// does. It runs its own pickle machine that knows only the opcodes torch.save
// emits and the globals that rebuild tensors and ordered dicts. Any other
// global (os.system, builtins.eval, ...) stops the load with a
// *ForbiddenGlobalError before anything is called.
//
// The archive is treated as hostile: entry sizes, the pickle length, the
// number of tensors, the bytes read and the bytes allocated are bounded by
// Limits, and every tensor's size, stride and offset is checked against its
// storage. A bad file is an error wrapping ErrFormat, never a panic.
package pth

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"
)

// ErrFormat is wrapped by every error about a malformed checkpoint.
var ErrFormat = errors.New("pth: malformed checkpoint")

// ErrLimit is wrapped by errors about a checkpoint that exceeds Limits.
var ErrLimit = errors.New("pth: checkpoint exceeds limits")

// ErrForbidden is wrapped by *ForbiddenGlobalError.
var ErrForbidden = errors.New("pth: forbidden pickle global")

// ForbiddenGlobalError reports a pickle that names a global outside the
// tensor-rebuild set. Such a pickle would run that callable in Python.
type ForbiddenGlobalError struct {
	Module, Name string
}

func (e *ForbiddenGlobalError) Error() string {
	return fmt.Sprintf("pth: pickle names forbidden global %s.%s (only tensor-rebuild globals are allowed)",
		e.Module, e.Name)
}

// Unwrap lets errors.Is(err, ErrForbidden) match.
func (e *ForbiddenGlobalError) Unwrap() error { return ErrForbidden }

func errf(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrFormat, fmt.Sprintf(format, a...))
}

func limitf(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrLimit, fmt.Sprintf(format, a...))
}

// Limits bound what a checkpoint may make the reader do. Zero fields take the
// defaults of DefaultLimits.
type Limits struct {
	MaxEntries     int   // zip entries
	MaxPickleBytes int64 // size of data.pkl
	MaxTensors     int   // tensors in the result
	MaxBytes       int64 // storage bytes read plus tensor bytes allocated
	MaxDims        int   // dimensions of one tensor
}

// DefaultLimits suit the models edgerun imports: up to 1 GiB of weights.
var DefaultLimits = Limits{
	MaxEntries:     1 << 16,
	MaxPickleBytes: 64 << 20,
	MaxTensors:     1 << 16,
	MaxBytes:       1 << 30,
	MaxDims:        16,
}

func (l Limits) orDefault() Limits {
	d := DefaultLimits
	if l.MaxEntries > 0 {
		d.MaxEntries = l.MaxEntries
	}
	if l.MaxPickleBytes > 0 {
		d.MaxPickleBytes = l.MaxPickleBytes
	}
	if l.MaxTensors > 0 {
		d.MaxTensors = l.MaxTensors
	}
	if l.MaxBytes > 0 {
		d.MaxBytes = l.MaxBytes
	}
	if l.MaxDims > 0 {
		d.MaxDims = l.MaxDims
	}
	return d
}

// Checkpoint is the state dict found in a checkpoint: named tensors in the
// order the file lists them.
type Checkpoint struct {
	Names   []string
	Tensors map[string]*Tensor
}

// Tensor returns the named tensor or nil.
func (c *Checkpoint) Tensor(name string) *Tensor { return c.Tensors[name] }

// ReadFile reads a checkpoint from disk with DefaultLimits.
func ReadFile(name string) (*Checkpoint, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	c, err := Read(f, st.Size(), Limits{})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return c, nil
}

// Read reads a checkpoint of size bytes from r.
//
// The saved object may be a state dict (an OrderedDict or dict of tensors), or
// a dict holding one under "model_state_dict" or "state_dict" as WaLLoC's
// released checkpoints do; other entries of such a dict (epoch counters,
// optimizer state made of tensors and numbers) are ignored.
func Read(r io.ReaderAt, size int64, lim Limits) (*Checkpoint, error) {
	lim = lim.orDefault()
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, errf("not a zip archive: %v", err)
	}
	if len(zr.File) > lim.MaxEntries {
		return nil, limitf("%d zip entries (limit %d)", len(zr.File), lim.MaxEntries)
	}
	a := &archive{files: map[string]*zip.File{}, lim: lim, storages: map[string]*storage{}}
	var pkl *zip.File
	for _, f := range zr.File {
		if _, dup := a.files[f.Name]; dup {
			return nil, errf("duplicate zip entry %q", f.Name)
		}
		a.files[f.Name] = f
		dir, base := path.Split(f.Name)
		if base == "data.pkl" && strings.Count(dir, "/") == 1 {
			if pkl != nil {
				return nil, errf("two data.pkl entries (%q and %q)", pkl.Name, f.Name)
			}
			pkl = f
			a.prefix = dir
		}
	}
	if pkl == nil {
		return nil, errf("no <name>/data.pkl entry")
	}
	code, err := a.readEntry(pkl, lim.MaxPickleBytes)
	if err != nil {
		return nil, err
	}
	m := &machine{code: code, arc: a}
	obj, err := m.run()
	if err != nil {
		return nil, err
	}
	return stateDict(obj, lim)
}

// archive resolves persistent storage ids to zip entries and keeps the byte
// budget.
type archive struct {
	files    map[string]*zip.File
	prefix   string
	lim      Limits
	used     int64
	storages map[string]*storage
}

func (a *archive) charge(n int64) error {
	if n < 0 || n > a.lim.MaxBytes-a.used {
		return limitf("more than %d bytes of tensor data", a.lim.MaxBytes)
	}
	a.used += n
	return nil
}

// readEntry reads one zip entry, at most max bytes, and checks that it has
// the size its header declares.
func (a *archive) readEntry(f *zip.File, max int64) ([]byte, error) {
	if f.UncompressedSize64 > uint64(max) {
		return nil, limitf("entry %q declares %d bytes (limit %d)", f.Name, f.UncompressedSize64, max)
	}
	n := int64(f.UncompressedSize64)
	if err := a.charge(n); err != nil {
		return nil, err
	}
	rc, err := f.Open()
	if err != nil {
		return nil, errf("entry %q: %v", f.Name, err)
	}
	defer rc.Close()
	buf := make([]byte, n)
	if _, err := io.ReadFull(rc, buf); err != nil {
		return nil, errf("entry %q: %v", f.Name, err)
	}
	// One more byte must not exist; the checksum is verified at EOF.
	var one [1]byte
	if k, err := rc.Read(one[:]); k != 0 || (err != nil && err != io.EOF) {
		if k != 0 {
			return nil, errf("entry %q longer than declared", f.Name)
		}
		return nil, errf("entry %q: %v", f.Name, err)
	}
	return buf, nil
}

// storage is one typed storage of the checkpoint, read on first use.
type storage struct {
	key   string
	dtype DType
	numel int64
	data  []byte
}

func (a *archive) load(s *storage) error {
	if s.data != nil {
		return nil
	}
	name := a.prefix + "data/" + s.key
	f := a.files[name]
	if f == nil {
		return errf("storage %q: no zip entry %q", s.key, name)
	}
	want := s.numel * int64(s.dtype.Size())
	if f.UncompressedSize64 != uint64(want) {
		return errf("storage %q: entry has %d bytes, %d elements of %s need %d",
			s.key, f.UncompressedSize64, s.numel, s.dtype, want)
	}
	b, err := a.readEntry(f, a.lim.MaxBytes)
	if err != nil {
		return err
	}
	s.data = b
	return nil
}

// stateDict finds the tensors in the unpickled object.
func stateDict(obj any, lim Limits) (*Checkpoint, error) {
	d, ok := obj.(*dict)
	if !ok {
		return nil, errf("saved object is %s, want a dict", typeName(obj))
	}
	for _, key := range []string{"model_state_dict", "state_dict"} {
		if v, ok := d.get(key); ok {
			inner, ok := v.(*dict)
			if !ok {
				return nil, errf("%q is %s, want a dict", key, typeName(v))
			}
			d = inner
			break
		}
	}
	c := &Checkpoint{Tensors: map[string]*Tensor{}}
	for _, kv := range d.items {
		name, ok := kv.key.(string)
		if !ok {
			return nil, errf("state dict key is %s, want a string", typeName(kv.key))
		}
		t, ok := kv.value.(*Tensor)
		if !ok {
			return nil, errf("state dict entry %q is %s, want a tensor", name, typeName(kv.value))
		}
		if _, dup := c.Tensors[name]; dup {
			return nil, errf("state dict names %q twice", name)
		}
		if len(c.Names) >= lim.MaxTensors {
			return nil, limitf("more than %d tensors", lim.MaxTensors)
		}
		t.Name = name
		c.Names = append(c.Names, name)
		c.Tensors[name] = t
	}
	return c, nil
}

// Sorted returns the tensor names in lexical order.
func (c *Checkpoint) Sorted() []string {
	s := append([]string(nil), c.Names...)
	sort.Strings(s)
	return s
}

func typeName(v any) string {
	switch v := v.(type) {
	case nil:
		return "None"
	case bool:
		return "bool"
	case int64:
		return "int"
	case float64:
		return "float"
	case string:
		return "str " + strconv.Quote(truncate(v, 40))
	case []byte:
		return "bytes"
	case tuple:
		return "tuple"
	case *list:
		return "list"
	case *dict:
		return "dict"
	case global:
		return "global " + v.module + "." + v.name
	case *storage:
		return "storage"
	case *Tensor:
		return "tensor"
	case mark:
		return "mark"
	}
	return fmt.Sprintf("%T", v)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
