package testenv

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
)

// TmpFS mounts a tmpfs of size bytes on a new folder for the test and
// unmounts it when the test ends: a small file system that a test fills
// (Fill) to see how writers behave on a full disk. Mounting needs root;
// others skip the test (CI runs as root).
func TmpFS(t testing.TB, size int64) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("mounting a tmpfs to fill needs root; run the test as root")
	}
	dir := t.TempDir()
	out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+strconv.FormatInt(size, 10), "tmpfs", dir).CombinedOutput()
	if err != nil {
		skipOrFail(t, "mounting a tmpfs on "+dir+" failed: "+err.Error()+": "+string(bytes.TrimSpace(out)))
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("unmounting the tmpfs %s: %v: %s", dir, err, out)
		}
	})
	return dir
}

// Fill writes the file name in dir (on a TmpFS) so large that only free
// bytes of the file system stay available, and returns its path: removing
// it makes the room again.
func Fill(t testing.TB, dir, name string, free int64) string {
	t.Helper()
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		t.Fatal(err)
	}
	n := int64(st.Bavail)*st.Bsize - free
	if n < 0 {
		t.Fatalf("%s has %d bytes available, fewer than the %d to leave free", dir, int64(st.Bavail)*st.Bsize, free)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, make([]byte, n), 0o644); err != nil {
		t.Fatalf("filling %s: %v", dir, err)
	}
	return path
}
