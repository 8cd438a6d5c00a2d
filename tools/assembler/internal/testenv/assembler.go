package testenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Assembler builds the assembler command and returns its path, for
// fixtures made by the tool's own command line.
func Assembler(t testing.TB) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "assembler")
	cmd := exec.Command(Tool(t, "go"), "build", "-o", out, "./tools/assembler")
	cmd.Dir = ModuleRoot(t)
	// Static, as images want their binaries: tests put it into images.
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building the assembler: %v\n%s", err, b)
	}
	return out
}
