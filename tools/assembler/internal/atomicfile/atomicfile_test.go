package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestWriteBytes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out")
	if err := WriteBytes(path, []byte("content")); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil || string(b) != "content" {
		t.Fatalf("read %q, %v; want \"content\"", b, err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", fi.Mode().Perm())
	}
}

func TestFailedWriteLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out")
	os.WriteFile(path, []byte("old"), 0o644)
	boom := errors.New("boom")
	err := Write(path, func(w io.Writer) error {
		w.Write([]byte("partial"))
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Write error = %v, want it to wrap %v", err, boom)
	}
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Errorf("the old file was replaced by %q", b)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("%d files in the folder, want only the old one", len(entries))
	}
}

// TestFailedCommitKeepsEarlierOutputs makes the second rename of a batch
// fail: the first output, renamed already, is put back as it was.
func TestFailedCommitKeepsEarlierOutputs(t *testing.T) {
	dir := t.TempDir()
	first, second := filepath.Join(dir, "first"), filepath.Join(dir, "second")
	os.WriteFile(first, []byte("old"), 0o644)
	// A file cannot be renamed over a folder that holds something.
	os.MkdirAll(filepath.Join(second, "x"), 0o755)
	var b Batch
	for _, p := range []string{first, second} {
		if err := b.File(p, func(w io.Writer) error { _, err := w.Write([]byte("new")); return err }); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Commit(); err == nil {
		t.Fatal("Commit over a folder succeeded")
	}
	if got, _ := os.ReadFile(first); string(got) != "old" {
		t.Errorf("first is %q after the failed commit, want the earlier \"old\"", got)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("the folder holds %d entries, want first and second only", len(entries))
	}
}

// TestNewDirOverAnEmptyFolder stages a folder over an empty one, and a
// file that cannot be renamed into place: the empty folder is there again.
func TestNewDirOverAnEmptyFolder(t *testing.T) {
	// As Bazel creates a declared output folder before its action runs.
	t.Run("replaces it", func(t *testing.T) {
		layout := filepath.Join(t.TempDir(), "layout")
		os.Mkdir(layout, 0o755)
		var b Batch
		if err := b.NewDir(layout, func(tmp string) error { return os.WriteFile(filepath.Join(tmp, "f"), []byte("new"), 0o644) }); err != nil {
			t.Fatal(err)
		}
		if err := b.Commit(); err != nil {
			t.Fatalf("Commit over an empty folder: %v", err)
		}
		if got, err := os.ReadFile(filepath.Join(layout, "f")); err != nil || string(got) != "new" {
			t.Errorf("layout/f = %q, %v; want what NewDir wrote", got, err)
		}
	})

	dir := t.TempDir()
	layout, blocked := filepath.Join(dir, "layout"), filepath.Join(dir, "blocked")
	os.Mkdir(layout, 0o755)
	os.MkdirAll(filepath.Join(blocked, "x"), 0o755)
	var b Batch
	if err := b.NewDir(layout, func(tmp string) error { return os.WriteFile(filepath.Join(tmp, "f"), []byte("new"), 0o644) }); err != nil {
		t.Fatal(err)
	}
	if err := b.File(blocked, func(w io.Writer) error { _, err := w.Write([]byte("new")); return err }); err != nil {
		t.Fatal(err)
	}
	if err := b.Commit(); err == nil {
		t.Fatal("Commit over a folder succeeded")
	}
	if entries, err := os.ReadDir(layout); err != nil || len(entries) != 0 {
		t.Errorf("layout holds %d entries (%v) after the failed commit, want the empty folder it was", len(entries), err)
	}
}
