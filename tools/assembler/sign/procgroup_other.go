//go:build !unix

package sign

import "os/exec"

// stopWithChildren leaves exec's default, which kills the command alone
// when its context ends: there are no process groups to kill here.
func stopWithChildren(cmd *exec.Cmd) {}

// killLeftovers has no process group to clean up.
func killLeftovers(cmd *exec.Cmd) {}
