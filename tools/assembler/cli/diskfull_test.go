// The tests fill a small tmpfs, which only Linux mounts.
//go:build linux

package cli

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/random"

	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
	"github.com/rules-goimage/rules_goimage/tools/assembler/release"
)

// diskFullCase is one writer of the assembler run on a file system with
// free bytes left: args writes into out, a folder of that file system, and
// earlier names the outputs written there before, by an earlier run.
type diskFullCase struct {
	name    string
	free    int64
	args    func(t *testing.T, out string) []string
	output  string
	earlier []string
}

// TestFullDisk runs each writer of the assembler on a file system too full
// for its outputs: each fails naming the output and the lack of space,
// leaves no temporary file behind, and leaves the outputs of an earlier
// run as they were.
func TestFullDisk(t *testing.T) {
	in := newDiskFullInputs(t)
	for _, c := range []diskFullCase{
		{name: "import", free: 1 << 20, output: "base", earlier: []string{"base.json", "base.digest"},
			args: func(t *testing.T, out string) []string {
				return []string{"import", "--base", in.big, "--layout", filepath.Join(out, "base"),
					"--metadata", filepath.Join(out, "base.json"), "--digest-file", filepath.Join(out, "base.digest")}
			}},
		// The work folder beside the layout, where the archive is decompressed, fills up.
		{name: "import of a compressed archive", free: 1 << 20, output: "base", earlier: []string{"base.json"},
			args: func(t *testing.T, out string) []string {
				return []string{"import", "--base", in.bigArchive, "--layout", filepath.Join(out, "base"), "--metadata", filepath.Join(out, "base.json")}
			}},
		{name: "build", free: 1 << 20, output: "image.tar", earlier: []string{"image.tar", "image.digest"},
			args: func(t *testing.T, out string) []string {
				return []string{"build", "--base", in.big, "--layer", in.descriptor, "--platform", "linux/amd64",
					"--output", filepath.Join(out, "image.tar"), "--digest-file", filepath.Join(out, "image.digest")}
			}},
		{name: "layer", free: 1 << 20, output: "layer.tar.gz", earlier: []string{"layer.tar.gz", "layer.json"},
			args: func(t *testing.T, out string) []string {
				return []string{"layer", "--file", in.bigFile + "=/data/big", "--output", filepath.Join(out, "layer.tar.gz"),
					"--descriptor", filepath.Join(out, "layer.json")}
			}},
		// The blob fits; its descriptor, written after it, does not.
		{name: "layer's descriptor", free: in.bigLayerRoom, output: "layer.json", earlier: []string{"layer.tar.gz", "layer.json"},
			args: func(t *testing.T, out string) []string {
				return []string{"layer", "--file", in.bigFile + "=/data/big", "--output", filepath.Join(out, "layer.tar.gz"),
					"--descriptor", filepath.Join(out, "layer.json")}
			}},
		{name: "index-layer", output: "files.json", earlier: []string{"files.json"},
			args: func(t *testing.T, out string) []string {
				return []string{"index-layer", "--layout", in.big, "--digest", in.layer, "--output", filepath.Join(out, "files.json")}
			}},
		{name: "index", free: 1 << 20, output: "index.tar", earlier: []string{"index.tar"},
			args: func(t *testing.T, out string) []string {
				return []string{"index", "--image", in.big, "--output", filepath.Join(out, "index.tar")}
			}},
		{name: "pack", free: 1 << 20, output: "packed.tar", earlier: []string{"packed.tar"},
			args: func(t *testing.T, out string) []string {
				return []string{"pack", "--layout", in.big, "--output", filepath.Join(out, "packed.tar")}
			}},
		{name: "pack a layout", free: 1 << 20, output: "packed",
			args: func(t *testing.T, out string) []string {
				return []string{"pack", "--layout", in.big, "--output-layout", filepath.Join(out, "packed")}
			}},
		{name: "stamp", output: "stamped.txt", earlier: []string{"stamped.txt"},
			args: func(t *testing.T, out string) []string {
				return []string{"stamp", "--status", in.status, "--output", filepath.Join(out, "stamped.txt"), "{BUILD_USER}"}
			}},
		{name: "release", output: "refs.json", earlier: []string{"refs.json", "refs.txt"},
			args: func(t *testing.T, out string) []string {
				return []string{"release", "--manifest", in.release(t), "--refs-file", filepath.Join(out, "refs.json"),
					"--refs-text", filepath.Join(out, "refs.txt")}
			}},
	} {
		t.Run(c.name, func(t *testing.T) { c.run(t) })
	}
}

func (c diskFullCase) run(t *testing.T) {
	out := testenv.TmpFS(t, 4<<20)
	earlier := map[string][]byte{}
	for _, name := range c.earlier {
		b := []byte("written by an earlier run: " + name + "\n")
		if err := os.WriteFile(filepath.Join(out, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
		earlier[name] = b
	}
	filler := testenv.Fill(t, out, "filler", c.free)
	_, err := runErr(c.args(t, out)...)
	wantError(t, err, "no space left", filepath.Join(out, c.output))
	entries, _ := os.ReadDir(out)
	for _, e := range entries {
		if name := e.Name(); name != filepath.Base(filler) && earlier[name] == nil {
			t.Errorf("the failed run left %s behind", name)
		}
	}
	for name, want := range earlier {
		if got, err := os.ReadFile(filepath.Join(out, name)); err != nil || !bytes.Equal(got, want) {
			t.Errorf("the earlier output %s is now %q (%v), want it as it was, %q", name, got, err, want)
		}
	}
}

// diskFullInputs are the inputs the writers read, on a file system with room.
type diskFullInputs struct {
	// big is the layout of an image of two layers of 1 MiB of random bytes;
	// bigArchive the same layout as a gzip-compressed tar.
	big, bigArchive, layer string
	// bigFile holds 2 MiB of random bytes; descriptor is a small layer's.
	bigFile, descriptor, status string
	// bigLayerRoom is the room the layer of bigFile takes on a tmpfs.
	bigLayerRoom int64
}

func newDiskFullInputs(t *testing.T) *diskFullInputs {
	t.Helper()
	img, err := random.Image(1<<20, 2)
	if err != nil {
		t.Fatal(err)
	}
	img = testenv.ForLinux(t, img, "amd64")
	dir := t.TempDir()
	in := &diskFullInputs{big: filepath.Join(dir, "big")}
	p, err := layout.Write(in.big, empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.AppendImage(img); err != nil {
		t.Fatal(err)
	}
	in.bigArchive = tarGz(t, in.big, filepath.Join(dir, "big.tar.gz"))
	layers, _ := img.Layers()
	d, _ := layers[0].Digest()
	in.layer = d.String()
	in.bigFile = filepath.Join(dir, "big.bin")
	random2M := make([]byte, 2<<20)
	rand.Read(random2M)
	small := filepath.Join(dir, "hello.txt")
	in.status = filepath.Join(dir, "stable-status.txt")
	for path, b := range map[string][]byte{in.bigFile: random2M, small: []byte("hello\n"), in.status: []byte("BUILD_USER builder\n")} {
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	bigLayer := filepath.Join(dir, "big.tar.gz")
	runOK(t, "layer", "--file", in.bigFile+"=/data/big", "--output", bigLayer, "--descriptor", filepath.Join(dir, "big.json"))
	fi, err := os.Stat(bigLayer)
	if err != nil {
		t.Fatal(err)
	}
	const page = 4096
	in.bigLayerRoom = (fi.Size() + page - 1) / page * page
	in.descriptor = filepath.Join(dir, "hello.json")
	runOK(t, "layer", "--file", small+"=/hello.txt", "--output", filepath.Join(dir, "hello.tar.gz"), "--descriptor", in.descriptor)
	return in
}

// release writes the manifest of a release of one small image to a
// registry started for it.
func (in *diskFullInputs) release(t *testing.T) string {
	t.Helper()
	reg := testenv.StartRegistry(t, false)
	dir, _ := randomLayout(t)
	manifest := filepath.Join(t.TempDir(), "release.json")
	b, err := json.Marshal(release.Manifest{Images: []release.ManifestImage{
		{Label: "//app:image", Repository: reg.Host + "/app", Image: dir},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(manifest, b, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	return manifest
}

// tarGz writes the files of dir as a gzip-compressed tar at path.
func tarGz(t *testing.T, dir, path string) string {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	if err := tw.AddFS(os.DirFS(dir)); err != nil {
		t.Fatal(err)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
