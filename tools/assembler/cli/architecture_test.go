package cli

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"testing"

	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
	"github.com/rules-goimage/rules_goimage/tools/assembler/layer"
)

// tarOfFile writes a tar holding the file src at name, plain or, with
// gzip, compressed with no time in its header (so that the layer is the
// tar's bytes, copied, not rewritten).
func tarOfFile(t *testing.T, src, name string, compress bool) string {
	t.Helper()
	content, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	tw.WriteHeader(&tar.Header{Name: name, Typeflag: tar.TypeReg, Mode: 0o755, Size: int64(len(content)), ModTime: layer.PortableMTime, Format: tar.FormatPAX})
	tw.Write(content)
	tw.Close()
	out := filepath.Join(t.TempDir(), "tool.tar")
	if compress {
		var z bytes.Buffer
		zw := gzip.NewWriter(&z)
		zw.Write(b.Bytes())
		zw.Close()
		b = z
		out += ".gz"
	}
	if err := os.WriteFile(out, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return out
}

// An ELF file of another architecture than the image's is refused,
// wherever it came from, naming the file and the layer: a tar, rewritten
// or copied as it is, and a file of a layer.
func TestBuildRefusesAFileOfAnotherArchitecture(t *testing.T) {
	amd64 := testenv.GoBinary(t, testenv.HelloSource, "linux", "amd64")
	arm64 := testenv.GoBinary(t, testenv.HelloSource, "linux", "arm64")
	for _, tc := range []struct {
		name  string
		layer func(bin string) []string
	}{
		{"plain tar", func(bin string) []string { return []string{"--tar", tarOfFile(t, bin, "usr/bin/tool", false)} }},
		{"gzip tar copied as it is", func(bin string) []string { return []string{"--tar", tarOfFile(t, bin, "usr/bin/tool", true)} }},
		{"file", func(bin string) []string { return []string{"--file", bin + "=/usr/bin/tool:0755"} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			layerOf := func(bin, name string) string {
				desc := filepath.Join(dir, name+".json")
				runOK(t, append([]string{"layer", "--output", filepath.Join(dir, name+".tar.gz"), "--descriptor", desc, "--quiet"}, tc.layer(bin)...)...)
				return desc
			}
			wrong, right := layerOf(amd64, "amd64_tools"), layerOf(arm64, "arm64_tools")
			out := filepath.Join(dir, "out")
			os.Mkdir(out, 0o755)
			_, err := runErr("build", "--platform", "linux/arm64", "--layer", wrong, "--output", filepath.Join(out, "image.tar"))
			wantError(t, err, "layer "+wrong, "holds the ELF file /usr/bin/tool for linux/amd64, but the image is linux/arm64",
				"exec format error", "built for each image platform", "--check architecture=off")
			wantNoFiles(t, out)
			runOK(t, "build", "--platform", "linux/arm64", "--layer", right, "--output", filepath.Join(out, "image.tar"), "--quiet")
		})
	}
}
