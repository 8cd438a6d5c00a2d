package gobinary

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

func TestCheckGOARM(t *testing.T) {
	for _, tc := range []struct {
		goarm, variant, wantErr string
	}{
		{"7", "v7", ""},
		{"6", "v7", ""},
		{"7", "v6", "GOARM=7, which does not run on linux/arm/v6; build it with GOARM=6"},
		{"7,softfloat", "v6", "GOARM=7,softfloat"},
		{"7", "", ""},
		{"", "v6", ""},
	} {
		err := checkGOARM("bin", tc.goarm, v1.Platform{OS: "linux", Architecture: "arm", Variant: tc.variant})
		if (err == nil) != (tc.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tc.wantErr)) {
			t.Errorf("checkGOARM(%q, %q) = %v, want %q", tc.goarm, tc.variant, err, tc.wantErr)
		}
	}
}

func TestCheckRefusesNonLinuxPlatformsAndNonExecutables(t *testing.T) {
	source := filepath.Join(t.TempDir(), "main.go")
	if err := os.WriteFile(source, []byte("package main\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Check(source, v1.Platform{OS: "windows", Architecture: "amd64"}); err == nil || !strings.Contains(err.Error(), "only linux images") {
		t.Errorf("windows platform: %v", err)
	}
	if err := Check(source, v1.Platform{OS: "linux", Architecture: "amd64"}); err == nil || !strings.Contains(err.Error(), "not an executable") {
		t.Errorf("a Go source file: %v", err)
	}
}

// Files that are not Go binaries are refused with what they are, and a FIFO
// is refused before it is opened, which would block.
func TestCheckNamesWhatTheFileIs(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "run.sh")
	os.WriteFile(script, []byte("#!/bin/sh\necho hi\n"), 0o755)
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	linux := v1.Platform{OS: "linux", Architecture: "amd64"}
	for path, want := range map[string]string{
		script: "is a script, not a binary",
		dir:    "is a directory, not a file",
		fifo:   "not a regular file",
	} {
		err := Check(path, linux)
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "a go_binary") {
			t.Errorf("Check(%s) = %v, want an error saying %q and what to give instead", path, err, want)
		}
	}
}
