// Package output writes images to disk, and is the one writer of OCI image
// layouts in the assembler: an assembled image as a layout directory, or as
// one tarball that is both an OCI layout and a Docker archive
// (manifest.json), which docker, podman, skopeo and crane all read; and an
// imported base as a layout directory, blob by blob as it is read
// (LayoutWriter).
//
// Every form is written through a sink, so they hold identical bytes.
// Files are written under a temporary name and renamed into place at the
// end: a failed build never leaves a half-written output.
package output

import (
	"archive/tar"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// sink receives the files of an image layout, in order.
type sink interface {
	addDir(name string) error
	addFile(name string, size int64, content io.Reader) error
}

// tarSink writes files into a tar stream with fixed metadata.
type tarSink struct {
	ctx context.Context
	tw  *tar.Writer
}

func (s *tarSink) addDir(name string) error {
	return s.tw.WriteHeader(&tar.Header{
		Typeflag: tar.TypeDir, Name: name + "/", Mode: 0o755, ModTime: time.Unix(0, 0), Format: tar.FormatPAX,
	})
}

func (s *tarSink) addFile(name string, size int64, content io.Reader) error {
	hdr := &tar.Header{
		Typeflag: tar.TypeReg, Name: name, Mode: 0o644, Size: size, ModTime: time.Unix(0, 0), Format: tar.FormatPAX,
	}
	if err := s.tw.WriteHeader(hdr); err != nil {
		return err
	}
	n, err := io.Copy(s.tw, &ctxReader{ctx: s.ctx, r: content})
	if err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	if n != size {
		return fmt.Errorf("writing %s: got %d bytes, expected %d", name, n, size)
	}
	return nil
}

// dirSink writes files below a directory.
type dirSink struct {
	ctx  context.Context
	root string
}

func (s *dirSink) addDir(name string) error {
	return os.MkdirAll(filepath.Join(s.root, filepath.FromSlash(name)), 0o755)
}

func (s *dirSink) addFile(name string, size int64, content io.Reader) error {
	f, err := os.OpenFile(filepath.Join(s.root, filepath.FromSlash(name)), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	n, err := io.Copy(f, &ctxReader{ctx: s.ctx, r: content})
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && n != size {
		err = fmt.Errorf("got %d bytes, expected %d", n, size)
	}
	if err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	return nil
}

// ctxReader stops a copy when its context is cancelled (Ctrl-C), between
// two reads.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
