package layer

import (
	"fmt"
	"io"
	"os"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"

	"github.com/rules-goimage/rules_goimage/tools/assembler/verify"
)

// fileLayer is a layer blob on disk with known digests.
type fileLayer struct {
	path      string
	digest    v1.Hash
	diffID    v1.Hash
	size      int64
	mediaType types.MediaType
	// verify checks the blob as it is read: set for blobs this process did
	// not write itself.
	verify bool
}

var _ v1.Layer = (*fileLayer)(nil)

func (l *fileLayer) Digest() (v1.Hash, error)            { return l.digest, nil }
func (l *fileLayer) DiffID() (v1.Hash, error)            { return l.diffID, nil }
func (l *fileLayer) Size() (int64, error)                { return l.size, nil }
func (l *fileLayer) MediaType() (types.MediaType, error) { return l.mediaType, nil }

func (l *fileLayer) Compressed() (io.ReadCloser, error) {
	f, err := openRegular(l.path)
	if err != nil {
		return nil, fmt.Errorf("reading layer blob: %w", err)
	}
	if !l.verify {
		return f, nil
	}
	// A layer this process did not write enters the image here: its bytes
	// are checked against the digest and the diff_id of its descriptor.
	rc, err := verify.ReadCloser(f, l.digest, l.size, "layer blob "+l.path)
	if err != nil {
		return nil, err
	}
	return verify.CheckLayer(rc, l.mediaType, l.diffID, "layer blob "+l.path)
}

func (l *fileLayer) Uncompressed() (io.ReadCloser, error) {
	rc, err := l.Compressed()
	if err != nil {
		return nil, err
	}
	var r io.ReadCloser
	switch l.mediaType {
	case types.OCILayerZStd:
		d, derr := zstd.NewReader(rc)
		if derr != nil {
			rc.Close()
			return nil, derr
		}
		r = d.IOReadCloser()
	case types.OCIUncompressedLayer, types.DockerUncompressedLayer:
		return rc, nil
	default:
		g, gerr := gzip.NewReader(rc)
		if gerr != nil {
			rc.Close()
			return nil, gerr
		}
		r = g
	}
	return &closeBoth{ReadCloser: r, blob: rc}, nil
}

type closeBoth struct {
	io.ReadCloser
	blob io.Closer
}

func (c *closeBoth) Close() error {
	err := c.ReadCloser.Close()
	if berr := c.blob.Close(); err == nil {
		err = berr
	}
	return err
}

// openRegular opens a file that must be a regular file: a FIFO or a device
// would block the read or never end.
func openRegular(p string) (*os.File, error) {
	fi, err := os.Stat(p)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file (%s)", p, describeType(fi.Mode()))
	}
	return os.Open(p)
}

func describeType(m os.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&os.ModeNamedPipe != 0:
		return "a named pipe"
	case m&os.ModeDevice != 0:
		return "a device"
	case m&os.ModeSocket != 0:
		return "a socket"
	}
	return m.Type().String()
}
