package store

import (
	"bytes"
	"fmt"
	"io"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/partial"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/rules-goimage/rules_goimage/tools/assembler/verify"
)

// Image returns the image whose manifest desc points at. Its config is read
// and verified now, and every layer it lists must be in the store.
func (s *Store) Image(desc v1.Descriptor) (v1.Image, error) {
	raw, err := s.ReadBlob(desc.Digest, desc.Size, ManifestRole(desc))
	if err != nil {
		return nil, err
	}
	m, err := v1.ParseManifest(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("parsing manifest %s in %s: %w", desc.Digest, s.path, err)
	}
	return s.imageFromManifest(raw, m, "image "+desc.Digest.String(), blobName(m.Config.Digest), nil)
}

// imageFromManifest reads the config at configFile and checks the layers.
// layerFiles names the file of each layer that is not stored under blobs/.
func (s *Store) imageFromManifest(raw []byte, m *v1.Manifest, name, configFile string, layerFiles map[v1.Hash]string) (v1.Image, error) {
	img := &storeImage{store: s, raw: raw, manifest: m, layerFiles: layerFiles, name: name, byDigest: map[v1.Hash]int{}}
	for n, l := range m.Layers {
		if _, ok := img.byDigest[l.Digest]; !ok {
			img.byDigest[l.Digest] = n
		}
	}
	if m.Config.Size > maxMetadataSize {
		return nil, fmt.Errorf("the config of %s in %s is %d bytes by its descriptor, more than any config; the image is malformed", img.name, s.path, m.Config.Size)
	}
	rc, err := s.openBlob(configFile, m.Config.Digest, m.Config.Size, "the config of "+img.name)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	if img.config, err = io.ReadAll(rc); err != nil {
		return nil, err
	}
	if img.configFile, err = v1.ParseConfigFile(bytes.NewReader(img.config)); err != nil {
		return nil, fmt.Errorf("parsing the config of %s in %s: %w", img.name, s.path, err)
	}
	if err := img.checkLayers(); err != nil {
		return nil, err
	}
	return partial.CompressedToImage(img)
}

// storeImage is the minimal image core over a manifest in the store; package
// partial derives the rest of v1.Image from it.
type storeImage struct {
	store      *Store
	raw        []byte
	manifest   *v1.Manifest
	layerFiles map[v1.Hash]string
	name       string
	config     []byte
	configFile *v1.ConfigFile
	// byDigest finds a layer's index in the manifest in constant time: an
	// image may have thousands of layers.
	byDigest map[v1.Hash]int
}

var _ partial.CompressedImageCore = (*storeImage)(nil)

func (i *storeImage) RawConfigFile() ([]byte, error) { return i.config, nil }
func (i *storeImage) RawManifest() ([]byte, error)   { return i.raw, nil }

func (i *storeImage) MediaType() (types.MediaType, error) {
	if i.manifest.MediaType == "" {
		return types.OCIManifestSchema1, nil
	}
	return i.manifest.MediaType, nil
}

func (i *storeImage) LayerByDigest(h v1.Hash) (partial.CompressedLayer, error) {
	if n, ok := i.byDigest[h]; ok {
		return i.layer(n), nil
	}
	return nil, fmt.Errorf("%s in %s has no layer %s", i.name, i.store.path, h)
}

func (i *storeImage) layer(n int) *storeLayer {
	d := i.manifest.Layers[n]
	l := &storeLayer{store: i.store, desc: d, file: blobName(d.Digest),
		role: fmt.Sprintf("layer %d of %d of %s", n+1, len(i.manifest.Layers), i.name)}
	if f, ok := i.layerFiles[d.Digest]; ok {
		l.file = f
	}
	if ids := i.configFile.RootFS.DiffIDs; n < len(ids) {
		l.diffID = ids[n]
	}
	return l
}

func (i *storeImage) checkLayers() error {
	// Artifacts (an SBOM) have blobs but no diff_ids.
	isImage := i.manifest.Config.MediaType.IsConfig()
	if got, want := len(i.configFile.RootFS.DiffIDs), len(i.manifest.Layers); isImage && got != want {
		return fmt.Errorf("%s in %s lists %d layers, but its config has %d diff_ids; the image is malformed", i.name, i.store.path, want, got)
	}
	if i.store.layersElsewhere || i.store.hasRemote() {
		return nil
	}
	for n := range i.manifest.Layers {
		l := i.layer(n)
		if !i.store.hasFile(l.file, l.desc.Digest) {
			return &MissingBlobError{Store: i.store.path, Digest: l.desc.Digest, Role: l.role, File: l.file}
		}
	}
	return nil
}

// storeLayer is a layer blob in the store, verified as it is read.
type storeLayer struct {
	store  *Store
	desc   v1.Descriptor
	diffID v1.Hash
	file   string
	role   string
}

var _ partial.CompressedLayer = (*storeLayer)(nil)

func (l *storeLayer) Digest() (v1.Hash, error)            { return l.desc.Digest, nil }
func (l *storeLayer) DiffID() (v1.Hash, error)            { return l.diffID, nil }
func (l *storeLayer) Size() (int64, error)                { return l.desc.Size, nil }
func (l *storeLayer) MediaType() (types.MediaType, error) { return l.desc.MediaType, nil }

func (l *storeLayer) Compressed() (io.ReadCloser, error) {
	rc, err := l.store.openBlob(l.file, l.desc.Digest, l.desc.Size, l.role)
	if err != nil || !l.store.checkLayers || l.diffID.Hex == "" {
		return rc, err
	}
	return verify.CheckLayer(rc, l.desc.MediaType, l.diffID, fmt.Sprintf("%s (%s) in %s", l.role, l.desc.Digest, l.store.path))
}
