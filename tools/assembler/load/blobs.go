package load

import (
	"bytes"
	"fmt"
	"io"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/rules-goimage/rules_goimage/tools/assembler/store"
)

// The labels by which containerd's garbage collector follows a manifest or
// index to the blobs it refers to, as containerd's own client sets them on
// pull and import: without them the layers and configs of an image would be
// collected as soon as the lease that wrote them ends.
const (
	gcRefConfig   = "containerd.io/gc.ref.content.config"
	gcRefLayer    = "containerd.io/gc.ref.content.l."
	gcRefManifest = "containerd.io/gc.ref.content.m."
)

// blob is one blob of an image as a content store takes it.
type blob struct {
	desc v1.Descriptor
	// open reads the blob; manifests and configs are in memory, layers are
	// read from the store only when the content store lacks them.
	open func() (io.ReadCloser, error)
	// labels are the garbage collection labels of a manifest or index.
	labels map[string]string
}

// blobPlan lists the blobs of an image or index, each once, children before
// the manifests that refer to them.
type blobPlan struct {
	blobs []blob
	seen  map[v1.Hash]bool
}

func newBlobPlan() *blobPlan { return &blobPlan{seen: map[v1.Hash]bool{}} }

func (p *blobPlan) add(b blob) {
	if p.seen[b.desc.Digest] {
		return
	}
	p.seen[b.desc.Digest] = true
	p.blobs = append(p.blobs, b)
}

func inMemory(raw []byte) func() (io.ReadCloser, error) {
	return func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(raw)), nil }
}

// addImage adds the layers, config and manifest of img.
func (p *blobPlan) addImage(img v1.Image) error {
	m, err := img.Manifest()
	if err != nil {
		return err
	}
	labels := map[string]string{gcRefConfig: m.Config.Digest.String()}
	for i, l := range m.Layers {
		labels[fmt.Sprintf("%s%d", gcRefLayer, i)] = l.Digest.String()
		layer, err := img.LayerByDigest(l.Digest)
		if err != nil {
			return fmt.Errorf("layer %s: %w", l.Digest, err)
		}
		p.add(blob{desc: l, open: layer.Compressed})
	}
	config, err := img.RawConfigFile()
	if err != nil {
		return err
	}
	p.add(blob{desc: m.Config, open: inMemory(config)})
	return p.addManifest(img, labels)
}

// addIndex adds every manifest idx lists, nested indexes included, and idx.
func (p *blobPlan) addIndex(idx v1.ImageIndex) error {
	m, err := idx.IndexManifest()
	if err != nil {
		return err
	}
	labels := map[string]string{}
	for i, d := range m.Manifests {
		labels[fmt.Sprintf("%s%d", gcRefManifest, i)] = d.Digest.String()
		if p.seen[d.Digest] {
			continue
		}
		if err := p.addChild(idx, d); err != nil {
			return fmt.Errorf("manifest %s of the index: %w", d.Digest, err)
		}
	}
	return p.addManifest(idx, labels)
}

func (p *blobPlan) addChild(idx v1.ImageIndex, d v1.Descriptor) error {
	if store.KindOf(d) == store.KindIndex {
		child, err := idx.ImageIndex(d.Digest)
		if err != nil {
			return err
		}
		return p.addIndex(child)
	}
	img, err := idx.Image(d.Digest)
	if err != nil {
		return err
	}
	return p.addImage(img)
}

// manifest is what an image and an index have in common.
type manifest interface {
	RawManifest() ([]byte, error)
	Digest() (v1.Hash, error)
	MediaType() (types.MediaType, error)
}

func (p *blobPlan) addManifest(m manifest, labels map[string]string) error {
	raw, err := m.RawManifest()
	if err != nil {
		return err
	}
	d, err := m.Digest()
	if err != nil {
		return err
	}
	mt, err := m.MediaType()
	if err != nil {
		return err
	}
	p.add(blob{desc: v1.Descriptor{MediaType: mt, Digest: d, Size: int64(len(raw))}, open: inMemory(raw), labels: labels})
	return nil
}

// root is the descriptor of the image's or index's own manifest, the target
// of the image record: added last, after everything it refers to.
func (p *blobPlan) root() v1.Descriptor { return p.blobs[len(p.blobs)-1].desc }
