package testenv

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// Bases is one base image saved in each file format a base may come in,
// every one written by a real tool.
type Bases struct {
	// Image is the name of the image in the Docker engine.
	Image string
	// DockerClassic is `docker save` output of a Docker 20.10 engine:
	// manifest.json, <id>.json configs, <id>/layer.tar uncompressed layers.
	DockerClassic string
	// OCILayout is a layout directory and OCIArchive a tarball of one, both
	// written by skopeo, with gzip layers; the image is named "base".
	OCILayout, OCIArchive string
	// Docker25 is what `docker save` of Docker 25+ writes: an OCI layout with
	// a manifest.json beside index.json, in one tarball.
	Docker25 string
}

// SaveBases builds a base image with docker and saves it in every format.
func SaveBases(t testing.TB) *Bases {
	t.Helper()
	skopeo := Tool(t, "skopeo")
	b := &Bases{Image: DockerBaseImage(t)}
	b.DockerClassic = DockerSave(t, b.Image)
	dir := t.TempDir()
	b.OCILayout = filepath.Join(dir, "layout")
	b.OCIArchive = filepath.Join(dir, "oci.tar")
	Run(t, skopeo, "copy", "--quiet", "docker-archive:"+b.DockerClassic, "oci:"+b.OCILayout+":base")
	Run(t, skopeo, "copy", "--quiet", "docker-archive:"+b.DockerClassic, "oci-archive:"+b.OCIArchive+":base")
	b.Docker25 = Docker25Archive(t, b.OCILayout, b.Image, nil)
	return b
}

// Docker25Archive turns an OCI layout into the archive that `docker save`
// of Docker 25+ writes. The engine on CI machines may be older, and its
// docker save writes the classic format, so the format is made here from a
// layout skopeo wrote: Docker 25 adds a manifest.json whose paths point into
// blobs/, and names the image in index.json with io.containerd.image.name.
// Blobs named in drop are left out, as an engine using the containerd
// image store leaves out the platforms it never pulled.
func Docker25Archive(t testing.TB, layout, name string, drop []v1.Hash) string {
	t.Helper()
	dir := t.TempDir()
	Run(t, "cp", "-a", layout+"/.", dir)
	index := readIndex(t, dir)
	for i := range index.Manifests {
		index.Manifests[i].Annotations = map[string]string{"io.containerd.image.name": "docker.io/" + name}
	}
	writeJSON(t, filepath.Join(dir, "index.json"), index)
	writeJSON(t, filepath.Join(dir, "manifest.json"), []map[string]any{dockerEntry(t, dir, index.Manifests[0], name)})
	for _, h := range drop {
		if err := os.Remove(filepath.Join(dir, "blobs", h.Algorithm, h.Hex)); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(t.TempDir(), "docker25.tar")
	Run(t, "tar", "-C", dir, "-cf", out, "blobs", "index.json", "manifest.json", "oci-layout")
	return out
}

// dockerEntry is the manifest.json entry for the image desc points at, or,
// for an index, its first image for the host's architecture.
func dockerEntry(t testing.TB, dir string, desc v1.Descriptor, name string) map[string]any {
	t.Helper()
	if desc.MediaType.IsIndex() {
		var idx v1.IndexManifest
		readJSON(t, blobFile(dir, desc.Digest), &idx)
		for _, d := range idx.Manifests {
			if d.Platform != nil && d.Platform.Architecture == runtime.GOARCH {
				desc = d
				break
			}
		}
	}
	var m v1.Manifest
	readJSON(t, blobFile(dir, desc.Digest), &m)
	layers := []string{}
	for _, l := range m.Layers {
		layers = append(layers, "blobs/sha256/"+l.Digest.Hex)
	}
	return map[string]any{"Config": "blobs/sha256/" + m.Config.Digest.Hex, "RepoTags": []string{name}, "Layers": layers}
}

func readIndex(t testing.TB, dir string) *v1.IndexManifest {
	t.Helper()
	var idx v1.IndexManifest
	readJSON(t, filepath.Join(dir, "index.json"), &idx)
	return &idx
}

func blobFile(dir string, h v1.Hash) string { return filepath.Join(dir, "blobs", h.Algorithm, h.Hex) }

func readJSON(t testing.TB, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func writeJSON(t testing.TB, path string, v any) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	write(t, path, string(b))
}

// ImageTag is the part of a name after the last colon.
func ImageTag(name string) string { return name[strings.LastIndex(name, ":")+1:] }
