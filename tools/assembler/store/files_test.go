package store

import (
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// tarOf archives dir with GNU tar, as docker save and skopeo archives are
// made by tools other than ours.
func tarOf(t *testing.T, dir string) string {
	t.Helper()
	if _, err := exec.LookPath("tar"); err != nil {
		t.Skip("this test needs tar")
	}
	out := filepath.Join(t.TempDir(), "archive.tar")
	if b, err := exec.Command("tar", "-C", dir, "-cf", out, ".").CombinedOutput(); err != nil {
		t.Fatalf("tar: %v\n%s", err, b)
	}
	return out
}

func TestArchiveBlobsAndLinks(t *testing.T) {
	content := "layer bytes"
	h, _, _ := v1.SHA256(strings.NewReader(content))
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "blobs", "sha256"), 0o755)
	os.WriteFile(filepath.Join(dir, "blobs", "sha256", h.Hex), []byte(content), 0o644)
	os.MkdirAll(filepath.Join(dir, "second"), 0o755)
	// Classic docker save links a layer an image holds twice.
	os.Symlink("../blobs/sha256/"+h.Hex, filepath.Join(dir, "second", "layer.tar"))

	for _, path := range []string{dir, tarOf(t, dir)} {
		s, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if b, err := s.ReadBlob(h, int64(len(content)), "layer"); err != nil || string(b) != content {
			t.Errorf("%s: ReadBlob = %q, %v", path, b, err)
		}
		if b := readAll(t, s, "second/layer.tar", h); b != content {
			t.Errorf("%s: the link reads %q, want the file it points at", path, b)
		}
		missing := v1.Hash{Algorithm: "sha256", Hex: strings.Repeat("0", 64)}
		var mb *MissingBlobError
		if _, err := s.Blob(missing, 1, "config"); !errors.As(err, &mb) || !strings.Contains(err.Error(), "blobs/sha256/000") {
			t.Errorf("%s: Blob(missing) error = %v, want a MissingBlobError naming the file", path, err)
		}
	}
}

func readAll(t *testing.T, s *Store, name string, h v1.Hash) string {
	t.Helper()
	rc, err := s.openVerified(name, h, -1, "layer")
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
