package testenv

import (
	"archive/tar"
	"io"
	"path/filepath"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
)

// LayoutImage returns the first image of the OCI layout at dir.
func LayoutImage(t testing.TB, dir string) v1.Image {
	t.Helper()
	idx, err := layout.ImageIndexFromPath(dir)
	if err != nil {
		t.Fatal(err)
	}
	m, err := idx.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	img, err := idx.Image(m.Manifests[0].Digest)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// ForLinux returns img with a config that says linux/arch.
func ForLinux(t testing.TB, img v1.Image, arch string) v1.Image {
	t.Helper()
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture = "linux", arch
	if img, err = mutate.ConfigFile(img, cf); err != nil {
		t.Fatal(err)
	}
	return img
}

// RandomImageLayout writes the OCI layout of an image of random layers,
// made by go-containerregistry, whose config says linux/amd64.
func RandomImageLayout(t testing.TB, layers int64) string {
	t.Helper()
	img, err := random.Image(256, layers)
	if err != nil {
		t.Fatal(err)
	}
	img = ForLinux(t, img, "amd64")
	dir := filepath.Join(t.TempDir(), "layout")
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.AppendImage(img); err != nil {
		t.Fatal(err)
	}
	return dir
}

// LayerXattr is the extended attribute name of the file at p in l, as the
// layer's tar header records it (a SCHILY.xattr. PAX record).
func LayerXattr(t testing.TB, l v1.Layer, p, name string) string {
	t.Helper()
	rc, err := l.Uncompressed()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	tr := tar.NewReader(rc)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			t.Fatalf("the layer has no %s", p)
		}
		if err != nil {
			t.Fatal(err)
		}
		if strings.TrimPrefix(hdr.Name, "/") == p {
			return hdr.PAXRecords["SCHILY.xattr."+name]
		}
	}
}
