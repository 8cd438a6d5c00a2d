package output

import (
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/rules-goimage/rules_goimage/tools/assembler/store"
)

// dockerManifestEntry is one image in a Docker archive's manifest.json.
type dockerManifestEntry struct {
	Config   string
	RepoTags []string
	Layers   []string
}

// writeDockerManifest writes manifest.json, which points into blobs/ as
// Docker 25+ does, so that `docker load` of any version reads the tarball.
func writeDockerManifest(s sink, c Content, refs []name.Tag) error {
	img, err := c.dockerImage()
	if err != nil {
		return err
	}
	entry, err := dockerEntry(img)
	if err != nil {
		return err
	}
	for _, r := range refs {
		entry.RepoTags = append(entry.RepoTags, r.String())
	}
	return addJSON(s, store.DockerManifestFile, []dockerManifestEntry{*entry})
}

func dockerEntry(img v1.Image) (*dockerManifestEntry, error) {
	configName, err := img.ConfigName()
	if err != nil {
		return nil, err
	}
	m, err := img.Manifest()
	if err != nil {
		return nil, err
	}
	entry := &dockerManifestEntry{Config: blobPath(configName), Layers: []string{}}
	for _, l := range m.Layers {
		entry.Layers = append(entry.Layers, blobPath(l.Digest))
	}
	return entry, nil
}
