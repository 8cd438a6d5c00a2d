package testenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// HelloSource is a program that prints its greeting and an environment
// variable, so a test can see that an image ran it with the right config.
const HelloSource = `package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Printf("hello from the image, GREETING=%s\n", os.Getenv("GREETING"))
}
`

// GoBinary compiles source (a main package) as a static binary for
// goos/goarch and returns its path.
func GoBinary(t testing.TB, source, goos, goarch string) string {
	t.Helper()
	goCmd := Tool(t, "go")
	dir := t.TempDir()
	write(t, filepath.Join(dir, "go.mod"), "module example.com/hello\n\ngo 1.21\n")
	write(t, filepath.Join(dir, "main.go"), source)
	out := filepath.Join(t.TempDir(), "hello")
	cmd := exec.Command(goCmd, "build", "-trimpath", "-o", out, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+goos, "GOARCH="+goarch, "GOFLAGS=", "GOWORK=off")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, b)
	}
	return out
}

// HostBinary is GoBinary for linux on the host's architecture, which the
// host can run.
func HostBinary(t testing.TB) string {
	return GoBinary(t, HelloSource, "linux", runtime.GOARCH)
}

// ModuleRoot is the root of this Go module, for building its own commands.
func ModuleRoot(t testing.TB) string {
	t.Helper()
	out := Run(t, Tool(t, "go"), "env", "GOMOD")
	return filepath.Dir(trimNewline(out))
}

func write(t testing.TB, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func trimNewline(s string) string {
	for len(s) > 0 && (s[len(s)-1] == '\n' || s[len(s)-1] == '\r') {
		s = s[:len(s)-1]
	}
	return s
}

// CgoSource is a program that calls C, so that its binary built with cgo
// is dynamically linked against the C library.
const CgoSource = "package main\n\n// #include <stdio.h>\n// static void hi(void) { puts(\"hello from C\"); }\nimport \"C\"\n\nfunc main() { C.hi() }\n"

// CgoBinary builds source with cgo for the host, with the machine's gcc.
func CgoBinary(t testing.TB, source string) string {
	t.Helper()
	goCmd := Tool(t, "go")
	Tool(t, "gcc")
	dir := t.TempDir()
	write(t, filepath.Join(dir, "go.mod"), "module example.com/cgo\n\ngo 1.21\n")
	write(t, filepath.Join(dir, "main.go"), source)
	out := filepath.Join(t.TempDir(), "cgo_app")
	cmd := exec.Command(goCmd, "build", "-o", out, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=1", "GOFLAGS=", "GOWORK=off")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build with cgo: %v\n%s", err, b)
	}
	return out
}
