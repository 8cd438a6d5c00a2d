//go:build unix

package atomicfile

import (
	"os"
	"syscall"
)

// alive reports whether a process with the id runs: signal 0 checks that
// it exists without disturbing it (EPERM: it does, as another user's).
func alive(pid int) bool {
	if pid == os.Getpid() {
		return true
	}
	err := syscall.Kill(pid, 0)
	return err == nil || err == syscall.EPERM
}
