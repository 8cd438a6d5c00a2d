package testenv

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// Containerd is a containerd daemon of the test's own, with its own root,
// state and socket, next to whatever containerd the machine runs. Its ctr
// writes the exports that Docker 25+ writes for `docker save` with the
// containerd image store: that is containerd's exporter.
type Containerd struct {
	Address string
	ctr     string
}

// StartContainerd starts containerd (Debian's package) as root, and stops it
// when the test ends.
func StartContainerd(t testing.TB) *Containerd {
	t.Helper()
	bin := Tool(t, "containerd")
	ctr := Tool(t, "ctr")
	if os.Geteuid() != 0 {
		skipOrFail(t, "this test starts containerd, which needs root")
	}
	// Short: a unix socket's path is at most 107 bytes.
	dir, err := os.MkdirTemp("", "ctrd-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	c := &Containerd{Address: filepath.Join(dir, "sock"), ctr: ctr}
	config := fmt.Sprintf("version = 2\nroot = %q\nstate = %q\n[grpc]\n  address = %q\n[plugins.\"io.containerd.grpc.v1.cri\"]\n  disable = true\n",
		filepath.Join(dir, "root"), filepath.Join(dir, "state"), c.Address)
	write(t, filepath.Join(dir, "config.toml"), config)
	log, err := os.Create(filepath.Join(dir, "log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "--config", filepath.Join(dir, "config.toml"))
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting containerd: %v", err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait(); printLogOnFailure(t, log) })
	c.wait(t)
	return c
}

func (c *Containerd) wait(t testing.TB) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if conn, err := net.Dial("unix", c.Address); err == nil {
			conn.Close()
			if _, err := RunErr(c.ctr, "--address", c.Address, "version"); err == nil {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("containerd did not answer on %s", c.Address)
}

// Ctr runs ctr against this containerd.
func (c *Containerd) Ctr(t testing.TB, args ...string) string {
	t.Helper()
	return Run(t, c.ctr, append([]string{"--address", c.Address, "--namespace", "goimage-test"}, args...)...)
}
