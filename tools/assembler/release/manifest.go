package release

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// Manifest is the file that `bazel run` of a goimage_release hands to
// `assembler release --manifest`, and goimage_resolve to `assembler resolve
// --images`: the images, where their files are and where they go. Paths in
// it are relative to the manifest's folder, so that it reads the same from
// a runfiles tree or an action's exec root.
//
//	{"images": [{
//	  "label": "//app:image",
//	  "repository": "registry.example.com/app",  (or "repository_file")
//	  "tags": ["v1"],                            (or "tags_file")
//	  "mount_from": "registry.example.com/base",
//	  "image": "app/_image/image.json",
//	  "digest_file": "app/image.digest",
//	  "names": ["ko://example.com/cmd/app"]
//	}]}
type Manifest struct {
	Images []ManifestImage `json:"images"`
}

// ManifestImage is one image of a manifest, with one repository. An image
// pushed to two repositories is listed twice.
type ManifestImage struct {
	Label          string   `json:"label"`
	Repository     string   `json:"repository,omitempty"`
	RepositoryFile string   `json:"repository_file,omitempty"`
	Tags           []string `json:"tags,omitempty"`
	TagsFile       string   `json:"tags_file,omitempty"`
	MountFrom      string   `json:"mount_from,omitempty"`
	// Image is the image file a Bazel rule wrote (image.json), or a layout
	// directory or archive.
	Image      string   `json:"image,omitempty"`
	DigestFile string   `json:"digest_file,omitempty"`
	Names      []string `json:"names,omitempty"`
}

// ReadManifest reads a manifest and makes its paths usable from the current
// directory. A field it does not know is an error: it would be ignored.
func ReadManifest(path string) (*Manifest, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading the release manifest: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var m Manifest
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("release manifest %s is not valid: %w", path, err)
	}
	dir := filepath.Dir(path)
	for i := range m.Images {
		im := &m.Images[i]
		if im.Label == "" {
			return nil, fmt.Errorf("release manifest %s: image %d has no label; every image needs one, such as \"//app:image\"", path, i+1)
		}
		// Lexically: in a runfiles tree the manifest is a symlink whose
		// target's folder is not the tree's.
		rel := func(p string) string {
			if p == "" || filepath.IsAbs(p) {
				return p
			}
			return filepath.Join(dir, p)
		}
		im.RepositoryFile, im.TagsFile, im.Image, im.DigestFile = rel(im.RepositoryFile), rel(im.TagsFile), rel(im.Image), rel(im.DigestFile)
	}
	return &m, nil
}
