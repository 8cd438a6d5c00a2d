package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
)

// The classes of hostile inputs and faults that docs/reliability.md lists
// that the command line adds to package build's (which tests the others):
// outputs that overlap each other or an input, and a signal to the process.

// dataLayer writes a small layer with the layer verb and returns its descriptor.
func dataLayer(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Join(dir, "data")
	os.WriteFile(src, []byte(strings.Repeat("rules_goimage ", 100)), 0o644)
	runOK(t, "layer", "--file", src+"=/etc/data", "--output", filepath.Join(dir, "data.tar.gz"), "--descriptor", filepath.Join(dir, "data.json"), "--quiet")
	return filepath.Join(dir, "data.json")
}

// Class 1: refuse outputs that overlap each other or an input.
func TestDataLoss(t *testing.T) {
	base := testenv.RandomImageLayout(t, 1)
	layer := dataLayer(t)
	t.Run("a tarball inside the layout", func(t *testing.T) {
		d := filepath.Join(t.TempDir(), "d")
		_, err := runErr("build", "--base", base, "--layer", layer, "--output", filepath.Join(d, "img.tar"), "--layout", d)
		wantError(t, err, "--output", "--layout", "overlap")
	})
	t.Run("over the base", func(t *testing.T) {
		_, err := runErr("build", "--base", base, "--layer", layer, "--layout", base)
		wantError(t, err, "the input --base", "overlap")
		if _, err := os.Stat(filepath.Join(base, "index.json")); err != nil {
			t.Errorf("the base is gone: %v", err)
		}
	})
}

// Class 3: bounded work: Ctrl-C stops a build, leaving no temporary files.
func TestBoundedWork(t *testing.T) {
	t.Run("interrupted", func(t *testing.T) { testInterrupted(t) })
}

// testInterrupted sends SIGINT to a build copying a large base and expects
// a prompt exit with nothing left behind.
func testInterrupted(t *testing.T) {
	asm := testenv.Assembler(t)
	big := filepath.Join(t.TempDir(), "big")
	os.MkdirAll(big, 0o755)
	f, _ := os.Create(filepath.Join(big, "data"))
	f.Truncate(1 << 30)
	f.Close()
	out := t.TempDir()
	layer := filepath.Join(out, "big.json")
	runOK(t, "layer", "--tree", big+"=/data", "--compression-level", "1", "--output", filepath.Join(out, "big.tar.gz"), "--descriptor", layer, "--quiet")
	result := t.TempDir()
	cmd := exec.Command(asm, "build", "--layer", layer, "--output", filepath.Join(result, "image.tar"), "--layout", filepath.Join(result, "layout"))
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(150 * time.Millisecond)
	cmd.Process.Signal(syscall.SIGINT)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err == nil {
			t.Log("the build finished before the signal came; nothing to check")
			return
		}
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatal("the build did not stop within 30 s of SIGINT")
	}
	wantNoFiles(t, result)
}
