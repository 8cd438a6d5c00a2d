package output

import (
	"bytes"
	"fmt"
	"io"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/rules-goimage/rules_goimage/tools/assembler/store"
)

// blobWriter writes each blob once, in the order they are first met.
type blobWriter struct {
	s       sink
	written map[v1.Hash]bool
	// withoutLayers skips the image layers (a thin layout).
	withoutLayers bool
}

func newBlobWriter(s sink) *blobWriter { return &blobWriter{s: s, written: map[v1.Hash]bool{}} }

func (w *blobWriter) start() error {
	if err := w.s.addDir("blobs"); err != nil {
		return err
	}
	return w.s.addDir("blobs/sha256")
}

// index writes every manifest the index leads to, nested indexes included,
// then the index itself.
func (w *blobWriter) index(idx v1.ImageIndex) error {
	nodes, err := store.Walk(idx)
	if err != nil {
		return err
	}
	for _, n := range nodes {
		if err := w.node(n); err != nil {
			return err
		}
	}
	return w.rawIndex(idx)
}

func (w *blobWriter) node(n store.Node) error {
	d := n.Descriptor
	if n.Missing != nil {
		return n.Missing
	}
	if d.MediaType.IsIndex() {
		if w.written[d.Digest] {
			return nil // an artifact index met before, written whole
		}
		child, err := n.Parent.ImageIndex(d.Digest)
		if err != nil {
			return fmt.Errorf("reading index %s: %w", d.Digest, err)
		}
		if store.KindOf(d) == store.KindArtifact {
			// The walk does not go into an artifact; its blobs are copied all the same.
			return w.index(child)
		}
		return w.rawIndex(child)
	}
	img, err := n.Parent.Image(d.Digest)
	if err != nil {
		return fmt.Errorf("reading image %s of the index: %w", d.Digest, err)
	}
	return w.image(img)
}

func (w *blobWriter) rawIndex(idx v1.ImageIndex) error {
	digest, err := idx.Digest()
	if err != nil {
		return err
	}
	raw, err := idx.RawManifest()
	if err != nil {
		return err
	}
	return w.bytes(digest, raw)
}

func (w *blobWriter) image(img v1.Image) error {
	if err := w.layers(img); err != nil {
		return err
	}
	configName, err := img.ConfigName()
	if err != nil {
		return err
	}
	config, err := img.RawConfigFile()
	if err != nil {
		return err
	}
	if err := w.bytes(configName, config); err != nil {
		return err
	}
	digest, err := img.Digest()
	if err != nil {
		return err
	}
	manifest, err := img.RawManifest()
	if err != nil {
		return err
	}
	return w.bytes(digest, manifest)
}

func (w *blobWriter) layers(img v1.Image) error {
	if w.withoutLayers && !isArtifact(img) {
		return nil
	}
	layers, err := img.Layers()
	if err != nil {
		return fmt.Errorf("reading layers: %w", err)
	}
	for _, l := range layers {
		if err := w.layer(l); err != nil {
			return err
		}
	}
	return nil
}

// isArtifact tells an artifact (an SBOM), whose blobs a thin layout holds,
// from an image.
func isArtifact(img v1.Image) bool {
	mt, err := img.MediaType()
	if err != nil {
		return false
	}
	m, err := img.Manifest()
	return err == nil && store.KindOf(v1.Descriptor{MediaType: mt, ArtifactType: m.ArtifactType}) == store.KindArtifact
}

func (w *blobWriter) layer(l v1.Layer) error {
	digest, err := l.Digest()
	if err != nil {
		return err
	}
	if w.written[digest] {
		return nil
	}
	size, err := l.Size()
	if err != nil {
		return err
	}
	rc, err := l.Compressed()
	if err != nil {
		return fmt.Errorf("reading layer %s: %w", digest, err)
	}
	defer rc.Close()
	return w.blob(digest, size, rc)
}

func (w *blobWriter) bytes(digest v1.Hash, b []byte) error {
	return w.blob(digest, int64(len(b)), bytes.NewReader(b))
}

// blob writes the blob digest, the size bytes that r reads, unless it is
// written already. A failed write leaves it unwritten, to be written again.
func (w *blobWriter) blob(digest v1.Hash, size int64, r io.Reader) error {
	if w.written[digest] {
		return nil
	}
	if err := w.s.addFile(blobPath(digest), size, r); err != nil {
		return err
	}
	w.written[digest] = true
	return nil
}
