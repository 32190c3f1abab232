//go:build !(linux || darwin || freebsd || netbsd || openbsd)

package runtime

import (
	"errors"
	"os"
)

// mmapFile is unavailable here; Open reads the file into memory instead.
func mmapFile(f *os.File, size int) ([]byte, func() error, error) {
	return nil, nil, errors.New("mmap not supported on this platform")
}
