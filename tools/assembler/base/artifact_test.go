package base

import (
	"context"
	"path/filepath"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// randomImageFor is a random image whose config names platform p.
func randomImageFor(t *testing.T, p v1.Platform) v1.Image {
	t.Helper()
	img, err := random.Image(256, 1)
	if err != nil {
		t.Fatal(err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	cf.OS, cf.Architecture = p.OS, p.Architecture
	if img, err = mutate.ConfigFile(img, cf); err != nil {
		t.Fatal(err)
	}
	return img
}

// An OCI 1.1 artifact stored as an index (its descriptor has an
// artifactType) is not one of the base's images, nor is what it holds,
// though it holds an image manifest for another platform.
func TestImportLeavesArtifactIndexes(t *testing.T) {
	img := randomImageFor(t, v1.Platform{OS: "linux", Architecture: "amd64"})
	bundle := mutate.AppendManifests(empty.Index, mutate.IndexAddendum{Add: randomImageFor(t, v1.Platform{OS: "linux", Architecture: "arm64"})})
	src := t.TempDir()
	p, err := layout.Write(src, empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.AppendImage(img); err != nil {
		t.Fatal(err)
	}
	if err := p.AppendIndex(bundle, layout.WithAnnotations(nil)); err != nil {
		t.Fatal(err)
	}
	markArtifact(t, src, bundle, "application/vnd.example.bundle")

	im, err := Import(context.Background(), src, nil, filepath.Join(t.TempDir(), "layout"), WithWorkDir(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	want, _ := img.Digest()
	if len(im.Images) != 1 || im.Images[0].Digest != want.String() || im.Digest != want.String() {
		t.Errorf("imported %+v (digest %s), want the one image %s", im.Images, im.Digest, want)
	}
}

// markArtifact sets artifactType on the descriptor of idx in the layout's
// index.json, as an OCI 1.1 tool lists an artifact index.
func markArtifact(t *testing.T, dir string, idx v1.ImageIndex, artifactType string) {
	t.Helper()
	p := layout.Path(dir)
	h, _ := idx.Digest()
	if err := p.RemoveDescriptors(func(d v1.Descriptor) bool { return d.Digest == h }); err != nil {
		t.Fatal(err)
	}
	n, _ := idx.Size()
	d := v1.Descriptor{MediaType: types.OCIImageIndex, Digest: h, Size: n, ArtifactType: artifactType}
	if err := p.AppendDescriptor(d); err != nil {
		t.Fatal(err)
	}
}
