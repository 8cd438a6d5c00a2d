package base

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/partial"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/rules-goimage/rules_goimage/tools/assembler/fsindex"
	"github.com/rules-goimage/rules_goimage/tools/assembler/output"
	"github.com/rules-goimage/rules_goimage/tools/assembler/platform"
	"github.com/rules-goimage/rules_goimage/tools/assembler/store"
	"github.com/rules-goimage/rules_goimage/tools/assembler/verify"
)

// Imported describes a base that Import wrote.
type Imported struct {
	// Digest is the base's top-level manifest or index, as its source names
	// it (the digest a registry base is pinned by); empty when it has none.
	Digest string `json:"digest"`
	// Name is the reference the base goes by, empty when unknown.
	Name string `json:"name"`
	// Repository is the registry repository a registry base came from,
	// which a push to the same registry can mount its blobs from; empty for
	// bases from files.
	Repository string `json:"repository"`
	// Images are the images written, one per platform.
	Images []ImportedImage `json:"images"`
	// MetadataBlobs are the manifests and configs written, LayerBlobs the
	// layers, by digest: what reading the images' configs needs, and what
	// only copying them does.
	MetadataBlobs []string `json:"metadata_blobs"`
	LayerBlobs    []string `json:"layer_blobs"`
	// FSIndexes are the files, relative to the layout, that index each
	// image's file system (package fsindex), for the checks of images built
	// on it.
	FSIndexes []string `json:"fs_indexes"`
	// RemoteLayers are the layers left in Repository by a lazy import
	// (WithLazyLayers), by digest, in the order the images list them.
	RemoteLayers []string `json:"remote_layers,omitempty"`
	// Notes say how the base was read where it is not what was asked for,
	// as Base.Notes do.
	Notes []string `json:"notes,omitempty"`
}

// ImportedImage is one image of an imported base.
type ImportedImage struct {
	Platform string `json:"platform"`
	Digest   string `json:"digest"`
}

// Platforms lists the platforms of the images written.
func (im *Imported) Platforms() []string {
	out := make([]string, 0, len(im.Images))
	for _, i := range im.Images {
		out = append(out, i.Platform)
	}
	return out
}

// Import writes the images of the base that spec names for the platforms
// wanted (every complete image when none is) to dir, as an OCI image layout.
// This is where a base enters a build, so everything is checked once, here:
// every blob against its digest, every layer against its media type and
// the diff_id its config records. Manifests, configs and layers are written
// as they are, so digests stay those of the source; only images that lack
// a manifest (classic docker archives) or have uncompressed layers get a new
// OCI manifest, over gzip-compressed layers.
func Import(ctx context.Context, spec string, wants []v1.Platform, dir string, opts ...Option) (*Imported, error) {
	o := newOptions(opts)
	src, err := openSource(ctx, spec, o)
	if err != nil {
		return nil, err
	}
	defer src.close()
	chosen, err := src.inv.pickAll(wants)
	if err != nil {
		return nil, fmt.Errorf("base %s: %w", spec, err)
	}
	if o.lazyLayers && src.repository == "" {
		return nil, fmt.Errorf("base %s: only a registry base can leave its layers where they are; a base from files is read whole", spec)
	}
	out, err := output.NewLayoutWriter(ctx, dir)
	if err != nil {
		return nil, err
	}
	imp := &importer{ctx: ctx, out: out, refetch: src.repository != "", lazy: o.lazyLayers, listed: map[v1.Hash]bool{}, fsLayers: map[v1.Hash]*fsindex.Layer{}}
	im := &Imported{Name: src.name, Repository: src.repository}
	if src.inv.digest.Hex != "" {
		im.Digest = src.inv.digest.String()
	}
	for _, c := range chosen {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if c.name == "" {
			c.name = src.name
		}
		d, err := imp.image(c, o)
		if err != nil {
			return nil, fmt.Errorf("base %s, %s image: %w", spec, platform.String(c.platform), err)
		}
		if im.Name == "" {
			im.Name = c.name
		}
		im.Images = append(im.Images, ImportedImage{Platform: platform.String(c.platform), Digest: d.Digest.String()})
		if c.note != "" {
			im.Notes = append(im.Notes, c.note)
		}
	}
	if im.Digest == "" && len(im.Images) == 1 {
		im.Digest = im.Images[0].Digest
	}
	// Lists, never null, for the repository rules that read them.
	im.MetadataBlobs = append([]string{}, imp.metadata...)
	im.LayerBlobs = append([]string{}, imp.layerDigests...)
	im.FSIndexes = append([]string{}, imp.fsIndexes...)
	im.RemoteLayers = imp.remoteLayers
	return im, out.Finish()
}

// importer writes the images of a base to a layout as it reads them.
type importer struct {
	ctx context.Context
	out *output.LayoutWriter
	// refetch fetches a layer again when its download breaks off: a
	// registry's connection may be cut mid-body, which no request retry sees.
	refetch bool
	// lazy leaves the layers in the registry, listed in remoteLayers.
	lazy         bool
	remoteLayers []string
	listed       map[v1.Hash]bool
	// metadata and layerDigests list the blobs written, in order.
	metadata, layerDigests []string
	// fsLayers are the layers' entries, by digest, as the checks read them.
	fsLayers  map[v1.Hash]*fsindex.Layer
	fsIndexes []string
}

// image writes one image and returns the descriptor index.json lists it with.
func (imp *importer) image(c candidate, o options) (*v1.Descriptor, error) {
	img, err := c.load()
	if err != nil {
		return nil, err
	}
	// An image that needs new layers is read whole, lazy or not.
	convert := c.madeUp || hasUncompressedLayers(img)
	if convert {
		if img, err = toOCI(img, o.workDir); err != nil {
			return nil, err
		}
	}
	lazy := imp.lazy && !convert
	if lazy {
		err = imp.leaveLayers(img)
	} else {
		err = imp.layers(img)
	}
	if err != nil {
		return nil, err
	}
	config, err := img.RawConfigFile()
	if err != nil {
		return nil, err
	}
	configName, err := img.ConfigName()
	if err != nil {
		return nil, err
	}
	if err := imp.metadataBlob(configName, config); err != nil {
		return nil, err
	}
	raw, err := img.RawManifest()
	if err != nil {
		return nil, err
	}
	d, err := partial.Descriptor(img)
	if err != nil {
		return nil, err
	}
	if err := imp.metadataBlob(d.Digest, raw); err != nil {
		return nil, err
	}
	if !lazy {
		if err := imp.fsIndex(img, d.Digest); err != nil {
			return nil, err
		}
	}
	desc := v1.Descriptor{MediaType: d.MediaType, Digest: d.Digest, Size: d.Size, Platform: &c.platform}
	if c.name != "" {
		desc.Annotations = map[string]string{store.AnnotationImageName: c.name}
	}
	imp.out.Append(desc)
	return &desc, nil
}

func hasUncompressedLayers(img v1.Image) bool {
	m, err := img.Manifest()
	if err != nil {
		return false
	}
	for _, l := range m.Layers {
		if l.MediaType == types.OCIUncompressedLayer || l.MediaType == types.DockerUncompressedLayer {
			return true
		}
	}
	return false
}

// layers copies each layer blob, checking its digest, its media type and
// its diff_id in the same pass.
func (imp *importer) layers(img v1.Image) error {
	layers, err := img.Layers()
	if err != nil {
		return err
	}
	for n, l := range layers {
		if err := imp.layer(l, fmt.Sprintf("layer %d of %d", n+1, len(layers))); err != nil {
			return err
		}
	}
	return nil
}

// leaveLayers lists the image's layers as left in the registry.
func (imp *importer) leaveLayers(img v1.Image) error {
	m, err := img.Manifest()
	if err != nil {
		return err
	}
	for _, l := range m.Layers {
		if !imp.listed[l.Digest] {
			imp.listed[l.Digest] = true
			imp.remoteLayers = append(imp.remoteLayers, l.Digest.String())
		}
	}
	return nil
}

func (imp *importer) layer(l v1.Layer, what string) error {
	for attempt := 1; ; attempt++ {
		err := imp.copyLayer(l, what)
		var broken *fetchError
		if err == nil || !imp.refetch || attempt == fetchAttempts || !errors.As(err, &broken) {
			return err
		}
		wait := time.Second << (attempt - 1)
		select {
		case <-time.After(wait):
		case <-imp.ctx.Done():
			return imp.ctx.Err()
		}
	}
}

// fetchAttempts is how many times a layer is downloaded before its import fails.
const fetchAttempts = 5

// fetchError is a read of a layer's source that broke off.
type fetchError struct{ err error }

func (e *fetchError) Error() string { return e.err.Error() }
func (e *fetchError) Unwrap() error { return e.err }

// fetchReader marks the errors of reading the source, which a refetch may cure,
// apart from a blob that does not match its digest, which it would not.
type fetchReader struct{ r io.Reader }

func (f fetchReader) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	var mismatch *verify.MismatchError
	if err != nil && err != io.EOF && !errors.As(err, &mismatch) {
		err = &fetchError{err}
	}
	return n, err
}

// copyLayer copies a layer blob, checking its digest, its media type and its
// diff_id in the same pass.
func (imp *importer) copyLayer(l v1.Layer, what string) error {
	d, err := partial.Descriptor(l)
	if err != nil {
		return err
	}
	if imp.out.HasBlob(d.Digest) {
		return nil
	}
	diffID, err := l.DiffID()
	if err != nil {
		return err
	}
	entries := &fsindex.Layer{}
	check, err := verify.NewLayerChecker(d.MediaType, diffID, fmt.Sprintf("%s (%s)", what, d.Digest), entries.Add)
	if err != nil {
		return err
	}
	rc, err := l.Compressed()
	if err != nil {
		check.Close()
		return &fetchError{err}
	}
	defer rc.Close()
	err = imp.out.WriteBlob(d.Digest, d.Size, io.TeeReader(fetchReader{rc}, check))
	if cerr := check.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		imp.layerDigests = append(imp.layerDigests, d.Digest.String())
		imp.fsLayers[d.Digest] = entries
	}
	return err
}

// fsIndex writes the index of the image's file system, its layers'
// entries applied in order.
func (imp *importer) fsIndex(img v1.Image, manifest v1.Hash) error {
	m, err := img.Manifest()
	if err != nil {
		return err
	}
	x := fsindex.New()
	for _, l := range m.Layers {
		x.Apply(imp.fsLayers[l.Digest])
	}
	name, err := imp.out.WriteFSIndex(manifest, x)
	if err == nil {
		imp.fsIndexes = append(imp.fsIndexes, name)
	}
	return err
}

// metadataBlob writes a manifest or a config.
func (imp *importer) metadataBlob(h v1.Hash, b []byte) error {
	if imp.out.HasBlob(h) {
		return nil
	}
	imp.metadata = append(imp.metadata, h.String())
	return imp.out.WriteBytes(h, b)
}
