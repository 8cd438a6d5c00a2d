//go:build unix

package sign

import (
	"os/exec"
	"syscall"
)

// stopWithChildren runs cmd in a process group of its own and, when its
// context ends, kills the whole group: a shell's children (and theirs)
// die with it instead of holding its pipes open or running on.
func stopWithChildren(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
}

// killLeftovers kills what is left of cmd's process group once it has
// exited: a signer command has no business leaving processes behind.
func killLeftovers(cmd *exec.Cmd) {
	if cmd.Process != nil {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}
