package stamp

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func statusFiles(t *testing.T) []string {
	t.Helper()
	dir := t.TempDir()
	stable := filepath.Join(dir, "stable-status.txt")
	volatile := filepath.Join(dir, "volatile-status.txt")
	os.WriteFile(stable, []byte("BUILD_USER alice\nSTABLE_GIT_COMMIT 0123abc\nBUILD_EMBED_LABEL \n"), 0o644)
	os.WriteFile(volatile, []byte("BUILD_TIMESTAMP 1700000000\n"), 0o644)
	return []string{stable, volatile}
}

func TestExpand(t *testing.T) {
	values, err := ReadStatus(statusFiles(t)...)
	if err != nil {
		t.Fatal(err)
	}
	for in, want := range map[string]string{
		"app:{STABLE_GIT_COMMIT}":         "app:0123abc",
		"{BUILD_USER}-{BUILD_TIMESTAMP}":  "alice-1700000000",
		"no placeholders":                 "no placeholders",
		"{lowercase} stays":               "{lowercase} stays",
		"empty:{BUILD_EMBED_LABEL}latest": "empty:latest",
	} {
		got, err := Expand(in, values)
		if err != nil {
			t.Errorf("Expand(%q): %v", in, err)
		} else if got != want {
			t.Errorf("Expand(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestExpandUnknownKey(t *testing.T) {
	values, _ := ReadStatus(statusFiles(t)...)
	_, err := Expand("app:{STABLE_GIT_COMIT}", values)
	if err == nil || !strings.Contains(err.Error(), "STABLE_GIT_COMIT") || !strings.Contains(err.Error(), "STABLE_GIT_COMMIT") {
		t.Errorf("Expand with a typo: %v, want an error naming the key and the keys there are", err)
	}
}

func TestReadStatusMissingFile(t *testing.T) {
	if _, err := ReadStatus(filepath.Join(t.TempDir(), "nope")); err == nil {
		t.Error("ReadStatus of a missing file succeeded")
	}
}
