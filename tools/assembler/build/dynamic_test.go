package build

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
	"github.com/rules-goimage/rules_goimage/tools/assembler/layer"
)

// A dynamically linked binary on a base without its ELF interpreter is
// refused, naming the interpreter and how to build a static binary; on a
// base that has the loader and the C library, it is taken. The base's files
// come from the index its import wrote, or from its layers.
func TestDynamicBinaryNeedsItsLoader(t *testing.T) {
	bin := testenv.CgoBinary(t, testenv.CgoSource)
	tarball := func(base string) *Request {
		return &Request{Base: base, Platform: hostPlatform(), Binary: &Binary{File: bin}, Outputs: Outputs{Tarball: filepath.Join(t.TempDir(), "x.tar")}}
	}
	wantError(t, buildErr(tarball("scratch")), "is dynamically linked", "its ELF interpreter /lib", "CGO_ENABLED=0", "libc6")

	// A base with the loader and libc, from the machine's own files,
	// imported (which indexes its files) or not.
	var entries []layer.Entry
	for _, f := range []string{"/lib64/ld-linux-x86-64.so.2", "/lib/x86_64-linux-gnu/libc.so.6"} {
		if _, err := os.Stat(f); err != nil {
			t.Skipf("the machine has no %s", f)
		}
		entries = append(entries, layer.Entry{Path: f, Kind: layer.File, Source: f, Mode: 0o755})
	}
	imported := importedLayers(t, prebuiltLayer(t, entries, nil))
	notImported := filepath.Join(t.TempDir(), "base")
	buildOK(t, &Request{Base: "scratch", Platform: hostPlatform(), Layers: []string{prebuiltLayer(t, entries, nil)}, Outputs: Outputs{Layout: notImported}})
	for _, base := range []string{notImported, imported} {
		buildOK(t, tarball(base))
	}
	// Through a binary layer made apart, as the Bazel rules make it.
	withLayer := func(base string) *Request {
		r := thinBuild(t, base, "")
		r.Layers = []string{binaryLayerFile(t, bin, "/app/cgo_app")}
		return r
	}
	wantError(t, buildErr(withLayer("scratch")), "/app/cgo_app is dynamically linked")
	buildOK(t, withLayer(imported))
}
