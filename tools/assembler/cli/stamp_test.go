package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestStampWritesExpandedLines(t *testing.T) {
	dir := t.TempDir()
	stable := filepath.Join(dir, "stable-status.txt")
	os.WriteFile(stable, []byte("BUILD_USER alice\nSTABLE_GIT_COMMIT 0123abc\n"), 0o644)
	out := filepath.Join(dir, "stamped.params")
	args := []string{"stamp", "--status", stable, "--output", out, "--", "--label", "built.by={BUILD_USER}", "--tag", "app:{STABLE_GIT_COMMIT}"}
	var stdout, stderr bytes.Buffer
	if code := Run(context.Background(), args, &stdout, &stderr); code != 0 {
		t.Fatalf("stamp exited %d:\n%s", code, stderr.String())
	}
	got, _ := os.ReadFile(out)
	if want := "--label\nbuilt.by=alice\n--tag\napp:0123abc\n"; string(got) != want {
		t.Errorf("stamp wrote %q, want %q", got, want)
	}
}

func TestStampUnknownKeyWritesNothing(t *testing.T) {
	dir := t.TempDir()
	stable := filepath.Join(dir, "stable-status.txt")
	os.WriteFile(stable, []byte("BUILD_USER alice\n"), 0o644)
	out := filepath.Join(dir, "stamped.params")
	var stdout, stderr bytes.Buffer
	code := Run(context.Background(), []string{"stamp", "--status", stable, "--output", out, "app:{NOPE}"}, &stdout, &stderr)
	if code != 1 || !strings.Contains(stderr.String(), "NOPE") {
		t.Errorf("stamp with an unknown key exited %d:\n%s", code, stderr.String())
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("stamp left %s behind after an error", out)
	}
}

func TestParamsFilesExpandToArguments(t *testing.T) {
	dir := t.TempDir()
	stable := filepath.Join(dir, "stable-status.txt")
	os.WriteFile(stable, []byte("BUILD_USER bob\n"), 0o644)
	out := filepath.Join(dir, "out")
	params := filepath.Join(dir, "args.params")
	os.WriteFile(params, []byte("--status\n"+stable+"\n--output\n"+out+"\n"), 0o644)
	var stdout, stderr bytes.Buffer
	if code := Run(context.Background(), []string{"stamp", "@" + params, "user {BUILD_USER}"}, &stdout, &stderr); code != 0 {
		t.Fatalf("stamp @params exited %d:\n%s", code, stderr.String())
	}
	if got, _ := os.ReadFile(out); string(got) != "user bob\n" {
		t.Errorf("stamp through a params file wrote %q", got)
	}
}
