// Package platformfiles_test reads the two-platform image of this package,
// as Bazel built it, and checks that each platform's image holds the files
// built for that platform.
package platformfiles_test

import (
	"archive/tar"
	"bytes"
	"debug/elf"
	"errors"
	"flag"
	"io"
	"os"
	"path"
	"path/filepath"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
)

var layoutDir = flag.String("layout", "", "the OCI layout of :image (its .layout target), below the runfiles directory, as bazel test passes it")

// machines are the ELF machines of the image's platforms, as the ELF
// specification numbers them.
var machines = map[string]elf.Machine{
	"linux/amd64": elf.EM_X86_64,
	"linux/arm64": elf.EM_AARCH64,
}

// platformImage is one platform's image of the index: where each path of
// interest is, by layer digest, and the ELF machine of each binary.
type platformImage struct {
	layerOf  map[string]v1.Hash
	machines map[string]elf.Machine
}

func TestEachPlatformHoldsFilesBuiltForIt(t *testing.T) {
	if *layoutDir == "" {
		t.Skip("needs the image Bazel builds: bazel test //rules/tests/platform_files:platform_files_test")
	}
	// go_test runs in its package's folder; the path is the runfiles', whose
	// files are symlinks to the layout Bazel wrote, which go-containerregistry
	// does not follow for blobs: the layout is read where Bazel wrote it.
	index, err := filepath.EvalSymlinks(filepath.Join(os.Getenv("TEST_SRCDIR"), *layoutDir, "index.json"))
	if err != nil {
		t.Fatal(err)
	}
	images := readImages(t, filepath.Dir(index))
	if len(images) != len(machines) {
		t.Fatalf("the index has images for %d platforms, want %d", len(images), len(machines))
	}
	for p, want := range machines {
		img, ok := images[p]
		if !ok {
			t.Fatalf("the index has no image for %s", p)
		}
		for _, bin := range []string{"/usr/bin/tool", "/app/app"} {
			got, ok := img.machines[bin]
			switch {
			case !ok:
				t.Errorf("%s: no layer holds %s", p, bin)
			case got != want:
				t.Errorf("%s: %s is an ELF for %s, want %s (layer %s)", p, bin, got, want, img.layerOf[bin])
			}
		}
	}
	amd64, arm64 := images["linux/amd64"], images["linux/arm64"]
	// Files that are the same for both platforms give the same layer, byte
	// for byte: the checked-in tar and data file (one action for both), the
	// generated tar and the goimage_layer of a checked-in file (an action
	// for each platform, as Bazel builds them for each).
	for _, shared := range []string{"/etc/greeting/hello.txt", "/etc/generated.txt", "/app/data/testdata/motd.txt", "/etc/motd"} {
		a, b := amd64.layerOf[shared], arm64.layerOf[shared]
		if a == (v1.Hash{}) || a != b {
			t.Errorf("%s is in layer %s for linux/amd64 and %s for linux/arm64; want one layer for both", shared, a, b)
		}
	}
	if amd64.layerOf["/usr/bin/tool"] == arm64.layerOf["/usr/bin/tool"] {
		t.Errorf("both platforms share the tool's layer %s", amd64.layerOf["/usr/bin/tool"])
	}
}

// readImages reads each platform's image of the layout's index, nested
// indexes included.
func readImages(t *testing.T, dir string) map[string]*platformImage {
	t.Helper()
	p, err := layout.FromPath(dir)
	if err != nil {
		t.Fatal(err)
	}
	root, err := p.ImageIndex()
	if err != nil {
		t.Fatal(err)
	}
	images := map[string]*platformImage{}
	var walk func(v1.ImageIndex)
	walk = func(idx v1.ImageIndex) {
		m, err := idx.IndexManifest()
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range m.Manifests {
			switch {
			case d.MediaType.IsIndex():
				child, err := idx.ImageIndex(d.Digest)
				if err != nil {
					t.Fatal(err)
				}
				walk(child)
			case d.MediaType.IsImage() && d.Platform != nil:
				img, err := idx.Image(d.Digest)
				if err != nil {
					t.Fatal(err)
				}
				images[d.Platform.String()] = readImage(t, img)
			}
		}
	}
	walk(root)
	return images
}

func readImage(t *testing.T, img v1.Image) *platformImage {
	t.Helper()
	layers, err := img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	out := &platformImage{layerOf: map[string]v1.Hash{}, machines: map[string]elf.Machine{}}
	for _, l := range layers {
		digest, err := l.Digest()
		if err != nil {
			t.Fatal(err)
		}
		if err := readLayer(l, digest, out); err != nil {
			t.Fatalf("reading layer %s: %v", digest, err)
		}
	}
	return out
}

// readLayer records the regular files of a layer, and the machine of each
// ELF file among them.
func readLayer(l v1.Layer, digest v1.Hash, out *platformImage) error {
	rc, err := l.Uncompressed()
	if err != nil {
		return err
	}
	defer rc.Close()
	tr := tar.NewReader(rc)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if hdr.Typeflag != tar.TypeReg {
			continue
		}
		name := path.Clean("/" + hdr.Name)
		out.layerOf[name] = digest
		b, err := io.ReadAll(tr)
		if err != nil {
			return err
		}
		if f, err := elf.NewFile(bytes.NewReader(b)); err == nil {
			out.machines[name] = f.Machine
		}
	}
}
