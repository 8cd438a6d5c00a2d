//go:build !unix

package atomicfile

import (
	"errors"
	"io/fs"
	"os"
)

// renameOverEmptyDir renames the folder tmp to path, which may be missing
// or an empty folder: os.Remove removes only an empty one. Unlike
// rename(2), the two steps leave a moment in which another run may write
// path; its rename then fails.
func renameOverEmptyDir(tmp, path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return &os.LinkError{Op: "rename", Old: tmp, New: path, Err: err}
	}
	return os.Rename(tmp, path)
}
