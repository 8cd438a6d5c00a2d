// Package store reads images that are saved as files: OCI image layouts (a
// directory or a tar archive of one) and `docker save` tarballs, in the
// classic format (manifest.json, <id>/layer.tar) and in the Docker 25+ format
// (an OCI layout with a manifest.json beside it).
//
// Nothing is trusted: every blob is read through package verify, so content
// that does not hash to its digest is an error, and a blob that an index or
// manifest lists but the store does not contain is a *MissingBlobError that
// names it. Engines that use the containerd image store write such archives:
// `docker save` lists every platform of a pulled image but contains only the
// platforms that were pulled.
package store

import (
	"fmt"
	"io"
	"os"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/rules-goimage/rules_goimage/tools/assembler/verify"
)

// Well-known file names of layouts and archives.
const (
	IndexFile          = "index.json"
	OCILayoutFile      = "oci-layout"
	DockerManifestFile = "manifest.json"
)

// Store is an opened image layout directory or image archive.
type Store struct {
	path  string
	files files
}

// Open opens the layout directory or tar archive at path.
func Open(path string) (*Store, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	var fs files
	if fi.IsDir() {
		fs = dirFiles(path)
	} else {
		fs, err = openTar(path)
		if err != nil {
			return nil, err
		}
	}
	return &Store{path: path, files: fs}, nil
}

// Close releases the archive file, if any.
func (s *Store) Close() error { return s.files.close() }

// Path is the path the store was opened from.
func (s *Store) Path() string { return s.path }

// HasOCIIndex reports whether the store is an OCI layout (it has index.json).
func (s *Store) HasOCIIndex() bool { return s.files.exists(IndexFile) }

// HasDockerManifest reports whether the store has a Docker manifest.json.
func (s *Store) HasDockerManifest() bool { return s.files.exists(DockerManifestFile) }

// HasBlob reports whether the store contains the blob h.
func (s *Store) HasBlob(h v1.Hash) bool { return s.files.exists(blobName(h)) }

// Blob opens the blob h, which must be size bytes long (or any size when
// size is negative). Reading it to the end verifies it.
func (s *Store) Blob(h v1.Hash, size int64, role string) (io.ReadCloser, error) {
	return s.openVerified(blobName(h), h, size, role)
}

// ReadBlob reads and verifies the blob h.
func (s *Store) ReadBlob(h v1.Hash, size int64, role string) ([]byte, error) {
	rc, err := s.Blob(h, size, role)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

func (s *Store) openVerified(name string, h v1.Hash, size int64, role string) (io.ReadCloser, error) {
	if !s.files.exists(name) {
		return nil, &MissingBlobError{Store: s.path, Digest: h, Role: role, File: name}
	}
	rc, _, err := s.files.open(name)
	if err != nil {
		return nil, fmt.Errorf("reading %s %s from %s: %w", role, h, s.path, err)
	}
	return verify.ReadCloser(rc, h, size, fmt.Sprintf("%s %s in %s", role, h, s.path))
}

// readFile reads a file that is not a blob, such as index.json.
func (s *Store) readFile(name string) ([]byte, error) {
	rc, _, err := s.files.open(name)
	if err != nil {
		return nil, fmt.Errorf("reading %s from %s: %w", name, s.path, err)
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

// BlobCount is the number of blobs the store contains, for messages.
func (s *Store) BlobCount() int { return s.files.countPrefix("blobs/") }

func blobName(h v1.Hash) string { return "blobs/" + h.Algorithm + "/" + h.Hex }
