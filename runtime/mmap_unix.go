//go:build linux || darwin || freebsd || netbsd || openbsd

package runtime

import (
	"os"

	"golang.org/x/sys/unix"
)

// mmapFile maps size bytes of f read-only. Pages are shared with the page
// cache, so a model costs no anonymous memory and many processes share it.
func mmapFile(f *os.File, size int) ([]byte, func() error, error) {
	b, err := unix.Mmap(int(f.Fd()), 0, size, unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		return nil, nil, err
	}
	return b, func() error { return unix.Munmap(b) }, nil
}
