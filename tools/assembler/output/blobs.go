package output

import (
	"fmt"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// blobWriter writes each blob once, in the order they are first met.
type blobWriter struct {
	s       sink
	written map[v1.Hash]bool
}

func newBlobWriter(s sink) *blobWriter { return &blobWriter{s: s, written: map[v1.Hash]bool{}} }

func (w *blobWriter) start() error {
	if err := w.s.addDir("blobs"); err != nil {
		return err
	}
	return w.s.addDir("blobs/sha256")
}

func (w *blobWriter) index(idx v1.ImageIndex) error {
	m, err := idx.IndexManifest()
	if err != nil {
		return err
	}
	for _, d := range m.Manifests {
		img, err := idx.Image(d.Digest)
		if err != nil {
			return fmt.Errorf("reading image %s of the index: %w", d.Digest, err)
		}
		if err := w.image(img); err != nil {
			return err
		}
	}
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
	layers, err := img.Layers()
	if err != nil {
		return fmt.Errorf("reading layers: %w", err)
	}
	for _, l := range layers {
		if err := w.layer(l); err != nil {
			return err
		}
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

func (w *blobWriter) layer(l v1.Layer) error {
	digest, err := l.Digest()
	if err != nil {
		return err
	}
	if w.written[digest] {
		return nil
	}
	w.written[digest] = true
	size, err := l.Size()
	if err != nil {
		return err
	}
	rc, err := l.Compressed()
	if err != nil {
		return fmt.Errorf("reading layer %s: %w", digest, err)
	}
	defer rc.Close()
	return w.s.addFile(blobPath(digest), size, rc)
}

func (w *blobWriter) bytes(digest v1.Hash, b []byte) error {
	if w.written[digest] {
		return nil
	}
	w.written[digest] = true
	return addBytes(w.s, blobPath(digest), b)
}
