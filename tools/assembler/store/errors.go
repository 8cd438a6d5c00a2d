package store

import (
	"fmt"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// MissingBlobError reports a blob that an index or manifest lists but the
// store does not contain.
type MissingBlobError struct {
	Store  string
	Digest v1.Hash
	// Role says what the blob is, e.g. "config of image sha256:...".
	Role string
	// File is the path inside the store where the blob should be.
	File string
}

func (e *MissingBlobError) Error() string {
	return fmt.Sprintf("%s lacks blob %s (%s): it lists it, but there is no %s", e.Store, e.Digest, e.Role, e.File)
}
