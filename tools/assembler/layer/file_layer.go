package layer

import (
	"compress/gzip"
	"fmt"
	"io"
	"os"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/klauspost/compress/zstd"
)

// fileLayer is a layer blob already written to disk with known digests.
type fileLayer struct {
	path      string
	digest    v1.Hash
	diffID    v1.Hash
	size      int64
	mediaType types.MediaType
}

var _ v1.Layer = (*fileLayer)(nil)

func (l *fileLayer) Digest() (v1.Hash, error)            { return l.digest, nil }
func (l *fileLayer) DiffID() (v1.Hash, error)            { return l.diffID, nil }
func (l *fileLayer) Size() (int64, error)                { return l.size, nil }
func (l *fileLayer) MediaType() (types.MediaType, error) { return l.mediaType, nil }
func (l *fileLayer) Compressed() (io.ReadCloser, error)  { return os.Open(l.path) }

func (l *fileLayer) Uncompressed() (io.ReadCloser, error) {
	f, err := os.Open(l.path)
	if err != nil {
		return nil, err
	}
	var r io.ReadCloser
	switch l.mediaType {
	case types.OCILayerZStd:
		d, derr := zstd.NewReader(f)
		if derr != nil {
			f.Close()
			return nil, derr
		}
		r = d.IOReadCloser()
	default:
		g, gerr := gzip.NewReader(f)
		if gerr != nil {
			f.Close()
			return nil, fmt.Errorf("reading layer %s: %w", l.path, gerr)
		}
		r = g
	}
	return &closeBoth{ReadCloser: r, file: f}, nil
}

type closeBoth struct {
	io.ReadCloser
	file *os.File
}

func (c *closeBoth) Close() error {
	err := c.ReadCloser.Close()
	if ferr := c.file.Close(); err == nil {
		err = ferr
	}
	return err
}
