package store

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

func named(n string) layout.Option {
	return layout.WithAnnotations(map[string]string{AnnotationImageName: n})
}

func TestOpenImageNamedTwice(t *testing.T) {
	img, _ := random.Image(256, 1)
	dir := t.TempDir()
	p, _ := layout.Write(dir, empty.Index)
	p.AppendImage(img, named("example.com/app:v2"))
	p.AppendImage(img, named("example.com/app:v1"))
	// An SBOM stored as a referrer of the image is not a second root.
	sbom := mutate.ConfigMediaType(empty.Image, types.MediaType("application/spdx+json"))
	p.AppendImage(sbom, layout.WithPlatform(v1.Platform{}))

	root, err := openRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := img.Digest()
	if root.Digest() != want || root.Image == nil || root.Index != nil {
		t.Errorf("Open gave %+v, want the image %s", root, want)
	}
	if diff := cmp.Diff([]string{"example.com/app:v1", "example.com/app:v2"}, root.Names); diff != "" {
		t.Errorf("Names (-want +got):\n%s", diff)
	}
}

func TestOpenIndex(t *testing.T) {
	img, _ := random.Image(256, 1)
	idx := mutate.AppendManifests(empty.Index, mutate.IndexAddendum{Add: img})
	dir := t.TempDir()
	p, _ := layout.Write(dir, empty.Index)
	p.AppendIndex(idx)
	root, err := openRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	if root.Index == nil || root.Image != nil {
		t.Errorf("Open of an index layout gave %+v", root)
	}
}

func TestOpenErrors(t *testing.T) {
	a, _ := random.Image(256, 1)
	b, _ := random.Image(256, 1)
	two := t.TempDir()
	p, _ := layout.Write(two, empty.Index)
	p.AppendImage(a)
	p.AppendImage(b)
	emptyLayout := t.TempDir()
	layout.Write(emptyLayout, empty.Index)
	for dir, want := range map[string]string{
		two:         "lists 2 images",
		emptyLayout: "lists no image",
		t.TempDir(): "has no index.json",
	} {
		if _, err := openRoot(dir); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Open: %v, want an error containing %q", err, want)
		}
	}
}

func openRoot(dir string) (*Root, error) {
	s, err := Open(dir)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	return s.Root()
}
