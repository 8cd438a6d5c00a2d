package build

import (
	"context"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/rules-goimage/rules_goimage/tools/assembler/base"
	"github.com/rules-goimage/rules_goimage/tools/assembler/fsindex"
	"github.com/rules-goimage/rules_goimage/tools/assembler/gobinary"
	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
	"github.com/rules-goimage/rules_goimage/tools/assembler/layer"
)

// prebuiltLayer writes a layer of entries as 'assembler layer' does: the
// blob, and its descriptor with what the layer does to the file system and
// the facts of the Go binaries among the entries (binaries: their paths in
// the image). It returns the descriptor.
func prebuiltLayer(t *testing.T, entries []layer.Entry, binaries []string, opts ...layer.Option) string {
	t.Helper()
	dir := t.TempDir()
	blob, desc := filepath.Join(dir, "layer.tar.gz"), filepath.Join(dir, "layer.json")
	fs := &fsindex.Layer{}
	l, err := layer.Build(entries, blob, append(opts, layer.WithFSLayer(fs))...)
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(fs.Adds)
	info := layer.Info{CreatedBy: "files of a test", FS: fs, Binaries: map[string]*gobinary.Facts{}}
	for _, e := range entries {
		if p := path.Clean("/" + e.Path); slices.Contains(binaries, p) {
			if info.Binaries[p], err = gobinary.ReadFacts(e.Source); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := layer.WriteDescriptor(desc, l, blob, info); err != nil {
		t.Fatal(err)
	}
	return desc
}

// binaryLayerFile is the layer of the Go binary bin at dest, made apart from
// the image, as the Bazel rules make it.
func binaryLayerFile(t *testing.T, bin, dest string) string {
	t.Helper()
	return prebuiltLayer(t, []layer.Entry{{Path: dest, Kind: layer.File, Source: bin, Mode: 0o755}}, []string{dest})
}

// oneFileLayer is a layer of one file, content at dest with mode.
func oneFileLayer(t *testing.T, dest, content string, mode int64) string {
	t.Helper()
	src := filepath.Join(t.TempDir(), "src")
	writeFile(t, src, content)
	return prebuiltLayer(t, []layer.Entry{{Path: dest, Kind: layer.File, Source: src, Mode: mode}}, nil)
}

// baseFile is a file of a test base: its path in the image, its content
// and its mode.
type baseFile struct {
	path, content string
	mode          int64
}

var (
	caBundle = baseFile{"/etc/ssl/certs/ca-certificates.crt", "-----BEGIN CERTIFICATE-----\n", 0o644}
	utcZone  = baseFile{"/usr/share/zoneinfo/UTC", "TZif2", 0o644}
	passwd   = baseFile{"/etc/passwd", "root:x:0:0::/root:/bin/sh\nnonroot:x:65532:65532::/home/nonroot:/sbin/nologin\n", 0o644}
)

// importedBase makes a base of a layer of files, and imports it, as bases
// enter a build: the import indexes its files.
func importedBase(t *testing.T, files ...baseFile) string {
	t.Helper()
	dir := t.TempDir()
	var entries []layer.Entry
	for i, f := range files {
		src := filepath.Join(dir, "src", strings.Repeat("f", i+1))
		os.MkdirAll(filepath.Dir(src), 0o755)
		writeFile(t, src, f.content)
		entries = append(entries, layer.Entry{Path: f.path, Kind: layer.File, Source: src, Mode: f.mode})
	}
	return importedLayers(t, prebuiltLayer(t, entries, nil))
}

// importedLayers builds an image of the layers on scratch and imports it.
func importedLayers(t *testing.T, layers ...string) string {
	t.Helper()
	dir := t.TempDir()
	made, imported := filepath.Join(dir, "base"), filepath.Join(dir, "imported")
	buildOK(t, &Request{Base: "scratch", Platform: hostPlatform(), Layers: layers, Outputs: Outputs{Layout: made}})
	if _, err := base.Import(context.Background(), made, nil, imported); err != nil {
		t.Fatalf("importing %s: %v", made, err)
	}
	return imported
}

// program builds source for linux on the host's architecture, static, and
// stripped of its symbols when strip is set (as Bazel may link it).
func program(t *testing.T, source string, strip bool) string {
	t.Helper()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "go.mod"), "module example.com/prog\n\ngo 1.21\n")
	writeFile(t, filepath.Join(dir, "main.go"), source)
	out := filepath.Join(t.TempDir(), "server")
	args := []string{"build", "-trimpath", "-o", out}
	if strip {
		args = append(args, "-ldflags=-s -w")
	}
	cmd := exec.Command(testenv.Tool(t, "go"), append(args, ".")...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+hostArch(), "GOFLAGS=", "GOWORK=off")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, b)
	}
	return out
}
