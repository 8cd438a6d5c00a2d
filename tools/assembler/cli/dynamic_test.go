package cli

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
)

// A dynamically linked binary on a base without its ELF interpreter is
// refused, naming the interpreter and how to build a static binary; on a
// base that has the loader and the C library, it is taken. The base's files
// come from the index its import wrote, or from its layers.
func TestDynamicBinaryNeedsItsLoader(t *testing.T) {
	bin := testenv.CgoBinary(t, testenv.CgoSource)
	out := t.TempDir()
	_, err := runErr("build", "--binary", bin, "--output", filepath.Join(out, "x.tar"))
	wantError(t, err, "is dynamically linked", "its ELF interpreter /lib", "CGO_ENABLED=0", "libc6")

	// A base with the loader and libc, made by the layer verb from the
	// machine's own files, then imported (which indexes its files).
	var files []string
	for _, f := range []string{"/lib64/ld-linux-x86-64.so.2", "/lib/x86_64-linux-gnu/libc.so.6"} {
		if _, err := os.Stat(f); err != nil {
			t.Skipf("the machine has no %s", f)
		}
		files = append(files, "--file", f+"="+f)
	}
	libc := filepath.Join(out, "libc.json")
	runOK(t, append([]string{"layer", "--output", filepath.Join(out, "libc.tar.gz"), "--descriptor", libc, "--quiet"}, files...)...)
	runOK(t, "build", "--layer", libc, "--layout", filepath.Join(out, "base"), "--quiet")
	runOK(t, "import", "--base", filepath.Join(out, "base"), "--layout", filepath.Join(out, "imported"))
	for _, base := range []string{filepath.Join(out, "base"), filepath.Join(out, "imported")} {
		runOK(t, "build", "--base", base, "--binary", bin, "--output", filepath.Join(t.TempDir(), "x.tar"), "--quiet")
	}
	// Through a binary layer made apart, as the Bazel rules make it.
	layer := filepath.Join(out, "bin.json")
	runOK(t, "layer", "--binary", bin+"=/app/cgo_app", "--platform", "linux/"+hostArch(), "--output", filepath.Join(out, "bin.tar.gz"), "--descriptor", layer, "--quiet")
	_, err = runErr("build", "--layer", layer, "--thin-layout", filepath.Join(t.TempDir(), "thin"))
	wantError(t, err, "/app/cgo_app is dynamically linked")
	runOK(t, "build", "--base", filepath.Join(out, "imported"), "--layer", layer, "--thin-layout", filepath.Join(t.TempDir(), "thin"), "--quiet")
}
