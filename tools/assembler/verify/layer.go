package verify

import (
	"archive/tar"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// LayerChecker checks a layer blob as it streams through it, in the same
// pass that copies it: the blob must decompress (by its media type) to a tar
// archive whose sha256 is the diff_id its image's config records. A layer
// that fails either check gives an image that engines refuse to load.
type LayerChecker struct {
	pw   *io.PipeWriter
	done chan error
}

// IsLayerMediaType reports whether mt is the media type of a layer that
// engines unpack into a file system.
func IsLayerMediaType(mt types.MediaType) bool {
	switch mt {
	case types.OCILayer, types.OCILayerZStd, types.OCIUncompressedLayer, types.DockerLayer, types.DockerUncompressedLayer:
		return true
	}
	return false
}

// EntryFunc sees each entry of a layer's tar as the check reads it, with its
// content: how an index of the file system is made in the same pass.
type EntryFunc func(hdr *tar.Header, content io.Reader) error

// NewLayerChecker starts checking a layer of media type mt; what names it in
// errors. Each entry of the layer goes to onEntry, when it is not nil.
func NewLayerChecker(mt types.MediaType, diffID v1.Hash, what string, onEntry ...EntryFunc) (*LayerChecker, error) {
	if !IsLayerMediaType(mt) {
		return nil, fmt.Errorf("%s has media type %q, which is not a layer an engine unpacks; use an image whose layers are tar, tar+gzip or tar+zstd", what, mt)
	}
	pr, pw := io.Pipe()
	c := &LayerChecker{pw: pw, done: make(chan error, 1)}
	go func() {
		err := checkContent(pr, mt, diffID, what, onEntry)
		// Drain, so that the copy never blocks on a checker that stopped early.
		io.Copy(io.Discard, pr)
		c.done <- err
	}()
	return c, nil
}

// Write passes blob bytes to the check.
func (c *LayerChecker) Write(p []byte) (int, error) { return c.pw.Write(p) }

// Close ends the blob and returns what the check found.
func (c *LayerChecker) Close() error {
	c.pw.Close()
	return <-c.done
}

func checkContent(r io.Reader, mt types.MediaType, diffID v1.Hash, what string, onEntry []EntryFunc) error {
	content, err := decompressor(r, mt)
	if err != nil {
		return fmt.Errorf("%s is not %s: %v; the image is malformed", what, describeMediaType(mt), err)
	}
	h := sha256.New()
	tr := tar.NewReader(io.TeeReader(content, h))
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("%s is not %s: %v; the image is malformed", what, describeMediaType(mt), err)
		}
		for _, f := range onEntry {
			if err := f(hdr, tr); err != nil {
				return fmt.Errorf("%s: %w", what, err)
			}
		}
	}
	// Bytes after the tar's end blocks belong to the diff_id too.
	if _, err := io.Copy(h, content); err != nil {
		return fmt.Errorf("%s is not %s: %v; the image is malformed", what, describeMediaType(mt), err)
	}
	got := v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(h.Sum(nil))}
	if got != diffID {
		return fmt.Errorf("%s unpacks to content with diff_id %s, but the image's config records %s: the layer or the config was altered; re-create the image", what, got, diffID)
	}
	return nil
}

func decompressor(r io.Reader, mt types.MediaType) (io.Reader, error) {
	switch mt {
	case types.OCILayer, types.DockerLayer:
		return gzip.NewReader(r)
	case types.OCILayerZStd:
		d, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1))
		if err != nil {
			return nil, err
		}
		return d.IOReadCloser(), nil
	}
	return r, nil
}

func describeMediaType(mt types.MediaType) string {
	switch mt {
	case types.OCILayer, types.DockerLayer:
		return "a gzip-compressed tar, as its media type says"
	case types.OCILayerZStd:
		return "a zstd-compressed tar, as its media type says"
	}
	return "a tar archive, as its media type says"
}

// CheckLayer wraps rc, a layer blob's reader, so that reading it to the end
// also checks its content against its media type and diff_id (LayerChecker):
// for a layer that enters a build as it is read.
func CheckLayer(rc io.ReadCloser, mt types.MediaType, diffID v1.Hash, what string) (io.ReadCloser, error) {
	c, err := NewLayerChecker(mt, diffID, what)
	if err != nil {
		rc.Close()
		return nil, err
	}
	return &checkedLayer{rc: rc, check: c}, nil
}

type checkedLayer struct {
	rc     io.ReadCloser
	check  *LayerChecker
	closed bool
}

func (c *checkedLayer) Read(p []byte) (int, error) {
	n, err := c.rc.Read(p)
	if n > 0 {
		c.check.Write(p[:n])
	}
	if err == io.EOF && !c.closed {
		c.closed = true
		if cerr := c.check.Close(); cerr != nil {
			return n, cerr
		}
	}
	return n, err
}

func (c *checkedLayer) Close() error {
	if !c.closed {
		c.closed = true
		c.check.Close()
	}
	return c.rc.Close()
}
