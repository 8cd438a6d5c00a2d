package registry

import (
	"io"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// Blobs reads blobs by digest from one repository: where a base imported
// without its layers keeps them (store.WithRemoteBlobs).
type Blobs struct {
	repo name.Repository
	opts []remote.Option
}

// NewBlobs reads the blobs of repo with opts (RemoteOptions).
func NewBlobs(repo name.Repository, opts []remote.Option) *Blobs {
	return &Blobs{repo: repo, opts: opts}
}

// OpenBlob starts reading the blob h. go-containerregistry checks it
// against h as it is read.
func (b *Blobs) OpenBlob(h v1.Hash) (io.ReadCloser, error) {
	l, err := remote.Layer(b.repo.Digest(h.String()), b.opts...)
	if err != nil {
		return nil, Explain(err, b.repo.RegistryStr())
	}
	rc, err := l.Compressed()
	if err != nil {
		return nil, Explain(err, b.repo.RegistryStr())
	}
	return rc, nil
}

// String names the repository.
func (b *Blobs) String() string { return b.repo.String() }
