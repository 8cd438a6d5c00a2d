package build

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
	"github.com/rules-goimage/rules_goimage/tools/assembler/layer"
)

// tarOfFile writes a tar holding the file src at name, plain or, with
// gzip, compressed with no time in its header (so that the layer is the
// tar's bytes, copied, not rewritten).
func tarOfFile(t *testing.T, src, name string, compress bool) string {
	t.Helper()
	content := readFile(t, src)
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
		layer func(bin string) string
	}{
		{"plain tar", func(bin string) string {
			return prebuiltLayer(t, nil, nil, layer.WithTars(tarOfFile(t, bin, "usr/bin/tool", false)))
		}},
		{"gzip tar copied as it is", func(bin string) string {
			return prebuiltLayer(t, nil, nil, layer.WithTars(tarOfFile(t, bin, "usr/bin/tool", true)))
		}},
		{"file", func(bin string) string {
			return prebuiltLayer(t, []layer.Entry{{Path: "/usr/bin/tool", Kind: layer.File, Source: bin, Mode: 0o755}}, nil)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wrong, right := tc.layer(amd64), tc.layer(arm64)
			out := t.TempDir()
			arm := func(desc string) *Request {
				return &Request{Base: "scratch", Platform: v1.Platform{OS: "linux", Architecture: "arm64"}, Layers: []string{desc},
					Outputs: Outputs{Tarball: filepath.Join(out, "image.tar")}}
			}
			wantError(t, buildErr(arm(wrong)), "layer "+wrong, "holds the ELF file /usr/bin/tool for linux/amd64, but the image is linux/arm64",
				"exec format error", "built for each image platform", "--check architecture=off")
			wantNoFiles(t, out)
			buildOK(t, arm(right))
		})
	}
}
