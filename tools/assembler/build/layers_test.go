package build

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
	"github.com/rules-goimage/rules_goimage/tools/assembler/layer"
)

func TestBuildRefusesCorruptPrebuiltLayer(t *testing.T) {
	src := filepath.Join(t.TempDir(), "f")
	writeFile(t, src, strings.Repeat("some content ", 1000))
	desc := prebuiltLayer(t, []layer.Entry{{Path: "/etc/f", Kind: layer.File, Source: src, Mode: 0o644}}, nil)
	blob := filepath.Join(filepath.Dir(desc), "layer.tar.gz")
	b := readFile(t, blob)
	b[len(b)/2] ^= 0xff
	os.WriteFile(blob, b, 0o644)

	out := t.TempDir()
	err := buildErr(&Request{Base: "scratch", Platform: hostPlatform(), Layers: []string{desc},
		Outputs: Outputs{Tarball: filepath.Join(out, "image.tar"), Layout: filepath.Join(out, "layout")}})
	wantError(t, err, "layer blob "+blob, "hashes to", "re-create it")
	wantNoFiles(t, out)
}

// A zstd layer and a binary with its own mode and path make an image that
// skopeo reads: it decompresses the zstd layers into a gzip copy, which umoci
// unpacks. (go-containerregistry's validate and umoci 0.4 read no zstd.)
func TestZstdLayerAndBinaryMode(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "motd")
	os.WriteFile(src, []byte("welcome\n"), 0o600)
	desc := prebuiltLayer(t, []layer.Entry{{Path: "/etc/motd", Kind: layer.File, Source: src, Mode: 0o644}}, nil, layer.WithCompression(layer.Zstd))
	tag := testenv.UniqueName("zstd")
	tarball, layout := filepath.Join(dir, "image.tar"), filepath.Join(dir, "layout")
	buildOK(t, &Request{Base: "scratch", Platform: hostPlatform(), Layers: []string{desc},
		Binary: &Binary{File: testenv.HostBinary(t), Path: "/usr/local/bin/hello", Mode: 0o500}, Compression: layer.Zstd,
		Tags: []string{tag}, Outputs: Outputs{Tarball: tarball, Layout: layout}})
	m := layoutManifest(t, layout)
	for _, l := range m.Layers {
		if l.MediaType != "application/vnd.oci.image.layer.v1.tar+zstd" {
			t.Errorf("layer %s has media type %s, want zstd", l.Digest, l.MediaType)
		}
	}
	gzipped := filepath.Join(t.TempDir(), "gzipped")
	testenv.Run(t, testenv.Tool(t, "skopeo"), "copy", "--quiet", "--dest-compress-format", "gzip", "--dest-compress",
		"oci:"+layout+":"+testenv.ImageTag(tag), "oci:"+gzipped+":copy")
	bundle := filepath.Join(t.TempDir(), "bundle")
	testenv.Run(t, testenv.Tool(t, "umoci"), "unpack", "--image", gzipped+":copy", bundle)
	fi, err := os.Stat(filepath.Join(bundle, "rootfs", "usr/local/bin/hello"))
	if err != nil || fi.Mode() != 0o500 {
		t.Errorf("/usr/local/bin/hello: %v, mode %v; want mode 0500", err, fi)
	}
	if b, _ := os.ReadFile(filepath.Join(bundle, "rootfs", "etc/motd")); string(b) != "welcome\n" {
		t.Errorf("/etc/motd holds %q", b)
	}
}
