package output

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/partial"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/validate"

	"github.com/rules-goimage/rules_goimage/tools/assembler/fsindex"
	"github.com/rules-goimage/rules_goimage/tools/assembler/store"
)

// writeIncrementally writes img to a new layout at dir as an import does:
// each blob, its file system index, then the layout's files.
func writeIncrementally(t *testing.T, dir string, img v1.Image) v1.Hash {
	t.Helper()
	w, err := NewLayoutWriter(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	layers, _ := img.Layers()
	for _, l := range layers {
		h, _ := l.Digest()
		n, _ := l.Size()
		rc, err := l.Compressed()
		if err != nil {
			t.Fatal(err)
		}
		err = w.WriteBlob(h, n, rc)
		rc.Close()
		if err != nil || !w.HasBlob(h) {
			t.Fatalf("WriteBlob(%s): %v", h, err)
		}
	}
	configName, _ := img.ConfigName()
	config, _ := img.RawConfigFile()
	manifest, _ := img.RawManifest()
	d, _ := partial.Descriptor(img)
	if err := w.WriteBytes(configName, config); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteBytes(d.Digest, manifest); err != nil {
		t.Fatal(err)
	}
	if name, err := w.WriteFSIndex(d.Digest, fsindex.New()); err != nil || name != fsindex.LayoutFile(d.Digest) {
		t.Fatalf("WriteFSIndex wrote %q: %v", name, err)
	}
	w.Append(*d)
	if err := w.Finish(); err != nil {
		t.Fatal(err)
	}
	return d.Digest
}

// A layout written blob by blob is read whole by the store, its file system
// index too, and is a layout that a later write may replace.
func TestLayoutWriter(t *testing.T) {
	img, _ := random.Image(512, 2)
	dir := filepath.Join(t.TempDir(), "layout")
	digest := writeIncrementally(t, dir, img)

	s, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	root, err := s.Root()
	if err != nil {
		t.Fatal(err)
	}
	if root.Digest() != digest {
		t.Errorf("the layout holds %s, want %s", root.Digest(), digest)
	}
	if err := validate.Image(root.Image); err != nil {
		t.Error(err)
	}
	if x, err := s.FSIndex(digest); x == nil || err != nil {
		t.Errorf("FSIndex(%s) = %v, %v; want the index written", digest, x, err)
	}
	if err := WriteLayout(dir, Content{Image: img, Thin: true, FSIndexes: map[v1.Hash]*fsindex.Index{digest: fsindex.New()}}); err != nil {
		t.Errorf("writing over a layout that keeps file system indexes: %v", err)
	}
	os.WriteFile(filepath.Join(dir, fsindex.LayoutDir, "notes.txt"), nil, 0o644)
	if err := WriteLayout(dir, Content{Image: img}); err == nil {
		t.Error("a layout whose fsindex folder holds another file was replaced")
	}
}

// An artifact index that an index lists is copied whole, though the walk
// of the index does not go into it.
func TestLayoutCopiesArtifactIndexes(t *testing.T) {
	img, _ := random.Image(256, 1)
	inner, _ := random.Image(128, 1)
	bundle := mutate.AppendManifests(empty.Index, mutate.IndexAddendum{Add: inner})
	idx := mutate.AppendManifests(empty.Index,
		mutate.IndexAddendum{Add: img},
		mutate.IndexAddendum{Add: bundle, Descriptor: v1.Descriptor{ArtifactType: "application/vnd.example.bundle"}})
	dir := filepath.Join(t.TempDir(), "layout")
	if err := WriteLayout(dir, Content{Index: idx}); err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	root, err := s.Root()
	if err != nil {
		t.Fatal(err)
	}
	innerDigest, _ := inner.Digest()
	bundleDigest, _ := bundle.Digest()
	b, err := root.Index.ImageIndex(bundleDigest)
	if err != nil {
		t.Fatal(err)
	}
	copied, err := b.Image(innerDigest)
	if err != nil {
		t.Fatal(err)
	}
	if err := validate.Image(copied); err != nil {
		t.Errorf("the image in the artifact index: %v", err)
	}
}
