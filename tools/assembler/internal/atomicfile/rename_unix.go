//go:build unix

package atomicfile

import (
	"os"
	"syscall"
)

// renameOverEmptyDir renames the folder tmp to path, which may be missing
// or an empty folder. rename(2) replaces an empty folder in one step and
// refuses any other (ENOTEMPTY, EEXIST); os.Rename refuses every existing
// folder, so it is called directly.
func renameOverEmptyDir(tmp, path string) error {
	if err := syscall.Rename(tmp, path); err != nil {
		return &os.LinkError{Op: "rename", Old: tmp, New: path, Err: err}
	}
	return nil
}
