package testenv

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// CosignVersion is the cosign release the signing tests verify with.
const CosignVersion = "v2.6.5"

// Cosign returns the path of cosign CosignVersion, on PATH or where
// tools/run_tests.sh installs Go tools. The suite's set-up installs it; a
// test never does (a go install can outlast the test's timeout), so a
// missing or other cosign skips the test, or fails it under CI.
func Cosign(t testing.TB) string {
	t.Helper()
	p := Tool(t, "cosign")
	if out, err := exec.Command(p, "version").CombinedOutput(); err != nil || !strings.Contains(string(out), CosignVersion) {
		skipOrFail(t, fmt.Sprintf("this test needs cosign %s, and %s is another (%s; tools/run_tests.sh installs it)", CosignVersion, p, installHints["cosign"]))
	}
	return p
}

// CosignKeyPair runs `cosign generate-key-pair` with password in a new
// folder and returns the paths of the encrypted private key and of the
// public key.
func CosignKeyPair(t testing.TB, password string) (key, pub string) {
	t.Helper()
	dir := t.TempDir()
	cmd := exec.Command(Cosign(t), "generate-key-pair")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "COSIGN_PASSWORD="+password)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("cosign generate-key-pair: %v\n%s", err, out)
	}
	return filepath.Join(dir, "cosign.key"), filepath.Join(dir, "cosign.pub")
}

// CosignRun runs cosign with args, offline (no transparency log, no TUF
// root fetched), and returns its combined output.
func CosignRun(t testing.TB, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(Cosign(t), args...)
	// A home of its own, so cosign's TUF cache and config stay out of the
	// user's.
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir(), "TUF_ROOT="+t.TempDir(), "SIGSTORE_NO_CACHE=true")
	out, err := cmd.CombinedOutput()
	return string(out), err
}
