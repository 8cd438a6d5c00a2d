package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"path"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/sniff"
)

// DockerImage is one image that a Docker archive's manifest.json lists.
type DockerImage struct {
	RepoTags []string
	Image    v1.Image
}

// dockerManifestEntry is one entry of manifest.json, as `docker save` writes it.
type dockerManifestEntry struct {
	Config   string
	RepoTags []string
	Layers   []string
}

// DockerImages returns the images that manifest.json lists. Classic archives
// hold no image manifests, so one is made up from the config and layers,
// with Docker media types; a layer's digest is its file's digest.
func (s *Store) DockerImages() ([]DockerImage, error) {
	raw, err := s.readFile(DockerManifestFile)
	if err != nil {
		return nil, err
	}
	var entries []dockerManifestEntry
	if err := json.Unmarshal(raw, &entries); err != nil {
		return nil, fmt.Errorf("parsing %s in %s: %w", DockerManifestFile, s.path, err)
	}
	images := make([]DockerImage, 0, len(entries))
	for n, e := range entries {
		img, err := s.dockerImage(e, dockerImageName(e, n))
		if err != nil {
			return nil, err
		}
		images = append(images, DockerImage{RepoTags: e.RepoTags, Image: img})
	}
	return images, nil
}

func dockerImageName(e dockerManifestEntry, n int) string {
	if len(e.RepoTags) > 0 {
		return "image " + e.RepoTags[0]
	}
	return fmt.Sprintf("image %d of %s", n+1, DockerManifestFile)
}

func (s *Store) dockerImage(e dockerManifestEntry, name string) (v1.Image, error) {
	configFile := cleanName(e.Config)
	configDigest, err := digestFromName(configFile)
	if err != nil && s.files.exists(configFile) {
		configDigest, err = s.hashFile(configFile)
	}
	if err != nil {
		return nil, fmt.Errorf("%s in %s: its config %s: %w", name, s.path, e.Config, err)
	}
	config, err := s.openAndRead(configFile, configDigest, "the config of "+name)
	if err != nil {
		return nil, err
	}
	cf, err := v1.ParseConfigFile(bytes.NewReader(config))
	if err != nil {
		return nil, fmt.Errorf("parsing the config of %s in %s: %w", name, s.path, err)
	}
	if len(cf.RootFS.DiffIDs) != len(e.Layers) {
		return nil, fmt.Errorf("%s in %s lists %d layers, but its config has %d diff_ids; the archive is malformed", name, s.path, len(e.Layers), len(cf.RootFS.DiffIDs))
	}
	m := &v1.Manifest{
		SchemaVersion: 2,
		MediaType:     types.DockerManifestSchema2,
		Config:        v1.Descriptor{MediaType: types.DockerConfigJSON, Digest: configDigest, Size: int64(len(config))},
	}
	layerFiles, err := s.dockerLayers(e, cf.RootFS.DiffIDs, name, m)
	if err != nil {
		return nil, err
	}
	raw, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	return s.imageFromManifest(raw, m, name, configFile, layerFiles)
}

// dockerLayers adds the layers of e to m and returns their file names.
func (s *Store) dockerLayers(e dockerManifestEntry, diffIDs []v1.Hash, name string, m *v1.Manifest) (map[v1.Hash]string, error) {
	layerFiles := map[v1.Hash]string{}
	for n, l := range e.Layers {
		desc, err := s.dockerLayer(cleanName(l), diffIDs[n], fmt.Sprintf("layer %d of %d of %s", n+1, len(e.Layers), name))
		if err != nil {
			return nil, err
		}
		m.Layers = append(m.Layers, desc)
		layerFiles[desc.Digest] = cleanName(l)
	}
	return layerFiles, nil
}

// dockerLayer describes a layer file of a manifest.json entry. Its digest
// is what the file name says where the name is one (blobs/sha256/<hex> of
// Docker 25+ and containerd, <hex>.tar.gz of go-containerregistry); a
// classic <id>/layer.tar is an uncompressed tar, whose digest is its diff_id.
// Any other name is hashed. Reading the layer verifies the digest.
func (s *Store) dockerLayer(file string, diffID v1.Hash, role string) (v1.Descriptor, error) {
	if !s.files.exists(file) {
		digest, err := digestFromName(file)
		if err != nil {
			digest = diffID
		}
		return v1.Descriptor{}, &MissingBlobError{Store: s.path, Digest: digest, Role: role, File: file}
	}
	rc, size, err := s.files.open(file)
	if err != nil {
		return v1.Descriptor{}, err
	}
	defer rc.Close()
	magic, err := sniff.Head(rc, 4)
	if err != nil {
		return v1.Descriptor{}, fmt.Errorf("reading %s: %w", file, err)
	}
	mt := sniffLayerMediaType(magic)
	digest, err := digestFromName(file)
	switch {
	case err == nil:
	case mt == types.DockerUncompressedLayer:
		digest = diffID
	default:
		if digest, err = s.hashFile(file); err != nil {
			return v1.Descriptor{}, fmt.Errorf("reading %s in %s: %w", role, s.path, err)
		}
	}
	return v1.Descriptor{MediaType: mt, Digest: digest, Size: size}, nil
}

func (s *Store) hashFile(file string) (v1.Hash, error) {
	rc, _, err := s.files.open(file)
	if err != nil {
		return v1.Hash{}, err
	}
	defer rc.Close()
	h, _, err := v1.SHA256(rc)
	return h, err
}

func sniffLayerMediaType(magic []byte) types.MediaType {
	switch {
	case bytes.HasPrefix(magic, []byte{0x1f, 0x8b}):
		return types.DockerLayer
	case bytes.HasPrefix(magic, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		return types.OCILayerZStd
	}
	return types.DockerUncompressedLayer
}

// digestFromName reads the digest out of the name of a file in an image
// archive: "blobs/sha256/<hex>" (OCI layouts), "<hex>.json" (classic docker
// save configs), "sha256:<hex>" and "<hex>.tar.gz" (go-containerregistry's
// tarballs: crane, ko).
func digestFromName(file string) (v1.Hash, error) {
	if parts := strings.Split(file, "/"); len(parts) == 3 && parts[0] == "blobs" {
		return v1.NewHash(parts[1] + ":" + parts[2])
	}
	base := path.Base(file)
	for _, ext := range []string{".json", ".tar.gz", ".tgz", ".tar.zst", ".tar"} {
		base = strings.TrimSuffix(base, ext)
	}
	return v1.NewHash("sha256:" + strings.TrimPrefix(base, "sha256:"))
}

func (s *Store) openAndRead(file string, h v1.Hash, role string) ([]byte, error) {
	rc, err := s.openVerified(file, h, -1, role)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, maxMetadataSize+1))
	if err == nil && len(b) > maxMetadataSize {
		err = fmt.Errorf("%s in %s is larger than %d MiB, more than any config; the archive is malformed", role, s.path, maxMetadataSize>>20)
	}
	return b, err
}
