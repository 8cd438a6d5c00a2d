// Package testenv gives the assembler's tests the real tools and services
// they check outputs with: a Go toolchain, docker, podman, skopeo, umoci, crane and
// a registry (Debian's docker-registry). A test whose tool is missing is
// skipped with a message saying how to install it; tools/run_tests.sh
// installs all of them, so CI runs every test.
package testenv

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// installHints say how to get each tool.
var installHints = map[string]string{
	"go":              "install Go",
	"gcc":             "apt-get install gcc",
	"docker":          "install Docker and start its engine",
	"podman":          "apt-get install podman",
	"skopeo":          "apt-get install skopeo",
	"umoci":           "apt-get install umoci",
	"crane":           "go install github.com/google/go-containerregistry/cmd/crane@v0.22.1",
	"docker-registry": "apt-get install docker-registry",
	"htpasswd":        "apt-get install apache2-utils",
	"ko":              "go install github.com/google/ko@v0.19.1",
	"cosign":          "go install github.com/sigstore/cosign/v2/cmd/cosign@" + CosignVersion,
	"containerd":      "apt-get install containerd",
	"ctr":             "apt-get install containerd",
	"tar":             "apt-get install tar",
	"gzip":            "apt-get install gzip",
	"zstd":            "apt-get install zstd",
}

// engines are the tools that talk to a container engine: slow to start
// and to feed, they sit out the quick loop (go test -short).
var engines = map[string]bool{"docker": true, "podman": true, "containerd": true}

// Tool returns the path of the command name, or skips the test.
// Under -short, the engines' commands skip the test. Under CI
// (CI=true, as .ci/run sets) a missing tool fails the test instead: CI
// installs every tool, so a skip there would hide a broken install step.
func Tool(t testing.TB, name string) string {
	t.Helper()
	if testing.Short() && engines[name] {
		t.Skipf("-short: this test needs the %s engine, and the quick loop starts and talks to none", name)
	}
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	// Where tools/run_tests.sh installs Go tools.
	if cache, err := os.UserCacheDir(); err == nil {
		p := filepath.Join(cache, "rules_goimage", "bin", name)
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	skipOrFail(t, fmt.Sprintf("this test needs %s, which is not installed (%s; tools/run_tests.sh installs it)", name, installHints[name]))
	return ""
}

// skipOrFail skips the test for want of a tool or service, or fails it
// under CI, which installs and starts them all.
func skipOrFail(t testing.TB, msg string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// Run runs a command and fails the test if it fails; it returns stdout.
func Run(t testing.TB, name string, args ...string) string {
	t.Helper()
	out, err := RunErr(name, args...)
	if err != nil {
		t.Fatalf("%s %s: %v", name, strings.Join(args, " "), err)
	}
	return out
}

// RunErr runs a command and returns its stdout, or an error with its stderr.
func RunErr(name string, args ...string) (string, error) {
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), &cmdError{err: err, stderr: stderr.String()}
	}
	return stdout.String(), nil
}

type cmdError struct {
	err    error
	stderr string
}

func (e *cmdError) Error() string { return e.err.Error() + "\n" + e.stderr }
