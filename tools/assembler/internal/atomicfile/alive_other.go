//go:build !unix

package atomicfile

import "os"

// alive reports whether a process with the id runs. Outside Unix,
// os.FindProcess opens the process (on Windows, a handle to it), which
// fails for a process that has exited.
func alive(pid int) bool {
	if pid == os.Getpid() {
		return true
	}
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	p.Release()
	return true
}
