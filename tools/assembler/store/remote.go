package store

import (
	"fmt"
	"io"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/rules-goimage/rules_goimage/tools/assembler/verify"
)

// BlobSource serves blobs by digest from elsewhere than files: the registry
// repository a base came from (registry.Blobs).
type BlobSource interface {
	// OpenBlob starts reading the blob h.
	OpenBlob(h v1.Hash) (io.ReadCloser, error)
	// String names the source in messages, such as its repository.
	String() string
}

// openRemote reads the blob h from the store's remote source, verified
// against its digest: what crossed a network is never trusted.
func (s *Store) openRemote(h v1.Hash, size int64, role string) (io.ReadCloser, error) {
	rc, err := s.remote.OpenBlob(h)
	if err != nil {
		return nil, fmt.Errorf("reading %s %s from %s, which %s leaves there: %w", role, h, s.remote, s.path, err)
	}
	return verify.ReadCloser(rc, h, size, fmt.Sprintf("%s (blob %s) from %s", role, h, s.remote))
}

// hasRemote reports whether blobs the store lacks are read from elsewhere.
func (s *Store) hasRemote() bool { return s.remote != nil }
