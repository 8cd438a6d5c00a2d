package testenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// CosignVersion is the cosign release the signing tests verify with.
const CosignVersion = "v2.6.5"

var cosignInstall struct {
	once sync.Once
	path string
	err  string
}

// Cosign returns the path of cosign CosignVersion: on PATH or in the tools
// cache when it is that version, else installed into the cache from the Go
// module proxy (go install, a few minutes once). It skips the test when
// the install fails (fails it under CI).
func Cosign(t testing.TB) string {
	t.Helper()
	cosignInstall.once.Do(func() { cosignInstall.path, cosignInstall.err = installCosign(Tool(t, "go")) })
	if cosignInstall.err != "" {
		msg := "this test needs cosign " + CosignVersion + ", and installing it failed: " + cosignInstall.err
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return cosignInstall.path
}

func installCosign(goCmd string) (string, string) {
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", err.Error()
	}
	bin := filepath.Join(cache, "rules_goimage", "bin")
	candidates := []string{filepath.Join(bin, "cosign")}
	if p, err := exec.LookPath("cosign"); err == nil {
		candidates = append([]string{p}, candidates...)
	}
	for _, p := range candidates {
		if isCosignVersion(p) {
			return p, ""
		}
	}
	if err := os.MkdirAll(bin, 0o755); err != nil {
		return "", err.Error()
	}
	// Into a folder of its own first, so that tests running at the same time
	// never see a half-written binary.
	tmp, err := os.MkdirTemp(filepath.Dir(bin), "cosign-install-")
	if err != nil {
		return "", err.Error()
	}
	defer os.RemoveAll(tmp)
	cmd := exec.Command(goCmd, "install", "github.com/sigstore/cosign/v2/cmd/cosign@"+CosignVersion)
	cmd.Env = append(os.Environ(), "GOBIN="+tmp, "GOFLAGS=", "GOWORK=off", "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", "go install github.com/sigstore/cosign/v2/cmd/cosign@" + CosignVersion + ": " + err.Error() + "\n" + string(out)
	}
	if err := os.Rename(filepath.Join(tmp, "cosign"), candidates[len(candidates)-1]); err != nil {
		return "", err.Error()
	}
	return candidates[len(candidates)-1], ""
}

func isCosignVersion(path string) bool {
	out, err := exec.Command(path, "version").CombinedOutput()
	return err == nil && strings.Contains(string(out), CosignVersion)
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
