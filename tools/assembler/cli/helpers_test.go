package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// runOK runs the assembler in process and returns the last line it
// printed, the digest.
func runOK(t *testing.T, args ...string) string {
	t.Helper()
	out, err := runErr(args...)
	if err != nil {
		t.Fatalf("assembler %s: %v", strings.Join(args, " "), err)
	}
	return out
}

func runErr(args ...string) (string, error) {
	var stdout, stderr bytes.Buffer
	if code := Run(context.Background(), args, &stdout, &stderr); code != 0 {
		return stdout.String(), &runError{code: code, stderr: stderr.String()}
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	return lines[len(lines)-1], nil
}

type runError struct {
	code   int
	stderr string
}

func (e *runError) Error() string { return e.stderr }

func wantError(t *testing.T, err error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one mentioning %q", parts)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error does not mention %q:\n%v", p, err)
		}
	}
}

// wantNoFiles fails if dir holds anything: failed commands leave nothing.
func wantNoFiles(t *testing.T, dir string) {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		t.Errorf("a failed command left %s behind", filepath.Join(dir, e.Name()))
	}
}

func hostArch() string { return runtime.GOARCH }

func readJSONFile(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func layoutIndex(t *testing.T, dir string) *v1.IndexManifest {
	t.Helper()
	var idx v1.IndexManifest
	readJSONFile(t, filepath.Join(dir, "index.json"), &idx)
	return &idx
}
