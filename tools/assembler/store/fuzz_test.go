package store

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// readEverything exercises every reader of a store: index.json and what it leads
// to, manifest.json and the images it lists, the root. Errors are expected;
// a panic or a hang is the bug.
func readEverything(s *Store) {
	if s.HasOCIIndex() {
		if idx, err := s.Index(); err == nil {
			if nodes, err := Walk(idx); err == nil {
				for _, n := range nodes {
					if img, err := n.Parent.Image(n.Descriptor.Digest); err == nil {
						img.Layers()
						img.ConfigFile()
					}
				}
			}
		}
		s.Root()
	}
	if s.HasDockerManifest() {
		if images, err := s.DockerImages(); err == nil {
			for _, di := range images {
				di.Image.Manifest()
			}
		}
	}
}

// tarOfFiles is a tar holding name to content.
func tarOfFiles(files map[string][]byte) []byte {
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for name, content := range files {
		tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(content)), ModTime: time.Unix(0, 0)})
		tw.Write(content)
	}
	tw.Close()
	return b.Bytes()
}

const seedIndex = `{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.index.v1+json","digest":"sha256:5ba3d166f62c7da86d36ace6c2644c4f26f8ddc359ae516d927772055aaca051","size":639,"annotations":{"io.containerd.image.name":"registry/app:v1"}}]}`
const seedManifestJSON = `[{"Config":"sha256:3c557dbd74402b03c1967d1710272d06bba1ad680d1c4b8e0edf2c5f252cbd2e","RepoTags":["app:v1"],"Layers":["79263d1903e7a1c5111e1469e6765b78cec4c39f1b827008815f30d27a880d56.tar.gz","x/layer.tar"]}]`

// FuzzArchive feeds any bytes as an image archive: its table of contents,
// compressed archives, links, and what its files say.
func FuzzArchive(f *testing.F) {
	f.Add(tarOfFiles(map[string][]byte{"oci-layout": []byte(`{"imageLayoutVersion":"1.0.0"}`), "index.json": []byte(seedIndex)}))
	f.Add(tarOfFiles(map[string][]byte{"manifest.json": []byte(seedManifestJSON)}))
	f.Add([]byte{0x1f, 0x8b, 0x08, 0x00})
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "archive.tar")
		os.WriteFile(path, data, 0o644)
		s, err := Open(path, WithWorkDir(t.TempDir()))
		if err != nil {
			return
		}
		defer s.Close()
		readEverything(s)
	})
}

// FuzzLayoutFiles feeds any index.json, manifest.json and blob to a layout
// directory: the OCI index, manifest and config parsers, and the walk.
func FuzzLayoutFiles(f *testing.F) {
	f.Add([]byte(seedIndex), []byte(seedManifestJSON), []byte(`{"schemaVersion":2,"config":{"digest":"sha256:00"},"layers":[]}`))
	f.Fuzz(func(t *testing.T, index, manifestJSON, blob []byte) {
		dir := t.TempDir()
		os.MkdirAll(filepath.Join(dir, "blobs", "sha256"), 0o755)
		os.WriteFile(filepath.Join(dir, OCILayoutFile), []byte(`{"imageLayoutVersion":"1.0.0"}`), 0o644)
		os.WriteFile(filepath.Join(dir, IndexFile), index, 0o644)
		os.WriteFile(filepath.Join(dir, DockerManifestFile), manifestJSON, 0o644)
		// The blob is stored under every digest index.json could name it by.
		h := sha256Sum(blob)
		os.WriteFile(filepath.Join(dir, "blobs", "sha256", h), blob, 0o644)
		s, err := Open(dir)
		if err != nil {
			return
		}
		defer s.Close()
		readEverything(s)
	})
}

func sha256Sum(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
