package layer

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"

	"github.com/rules-goimage/rules_goimage/tools/assembler/fsindex"
)

// Compression selects how a layer blob is compressed.
type Compression string

const (
	Gzip Compression = "gzip"
	Zstd Compression = "zstd"
)

type options struct {
	compression   Compression
	level         int
	mtime         time.Time
	mediaType     types.MediaType
	tars          []string
	keepTarMTimes bool
	fs            *fsindex.Layer
}

// Option configures Build.
type Option func(*options)

// WithCompression selects gzip (the default) or zstd.
func WithCompression(c Compression) Option { return func(o *options) { o.compression = c } }

// WithCompressionLevel sets the compression level; zero keeps the default.
func WithCompressionLevel(level int) Option { return func(o *options) { o.level = level } }

// WithModTime sets the modification time written for every entry.
func WithModTime(t time.Time) Option { return func(o *options) { o.mtime = t } }

// Build writes entries as a compressed layer blob to the file dest and returns
// it as a v1.Layer. Blob digest and diff_id are computed while writing, so the
// content is read exactly once.
func Build(entries []Entry, dest string, opts ...Option) (v1.Layer, error) {
	o := newOptions(opts)
	normalized, err := normalize(entries)
	if err != nil {
		return nil, err
	}
	if len(o.tars) == 1 && len(normalized) == 0 {
		l, err := reuseTar(o.tars[0], dest, o)
		if err != nil {
			return nil, err
		}
		if l != nil {
			return l, nil
		}
	}
	write := func(w io.Writer) error { return writeTar(w, normalized, o) }
	if len(o.tars) > 0 {
		write = func(w io.Writer) error { return writeMerged(w, o, normalized) }
	}
	return writeCompressed(dest, o, write)
}

// Compress writes the uncompressed tar stream r as a compressed layer blob
// to dest, for base layers that are stored uncompressed.
func Compress(r io.Reader, dest string, opts ...Option) (v1.Layer, error) {
	o := newOptions(opts)
	return writeCompressed(dest, o, func(w io.Writer) error {
		_, err := io.Copy(w, r)
		return err
	})
}

func newOptions(opts []Option) options {
	o := options{compression: Gzip, mtime: time.Unix(0, 0)}
	for _, opt := range opts {
		opt(&o)
	}
	if o.mediaType == "" {
		o.mediaType = defaultMediaType(o.compression)
	}
	return o
}

// writeCompressed writes the tar stream that writeTar produces as a
// compressed blob to dest.
func writeCompressed(dest string, o options, writeTar func(io.Writer) error) (v1.Layer, error) {
	l, err := writeFile(dest, func(w io.Writer) (*fileLayer, error) { return writeBlob(w, o, writeTar) })
	if l == nil || err != nil {
		return nil, err
	}
	return l, nil
}

// writeFile writes a blob to dest through a temporary file, so that a
// failure leaves no partial blob. write returns the blob's layer, or nil
// when it wrote nothing to keep.
func writeFile(dest string, write func(io.Writer) (*fileLayer, error)) (*fileLayer, error) {
	f, err := os.CreateTemp(filepath.Dir(dest), ".tmp-"+filepath.Base(dest)+"-*")
	if err != nil {
		return nil, fmt.Errorf("writing layer %s: %w", dest, err)
	}
	defer os.Remove(f.Name())
	l, err := write(f)
	if cerr := f.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if l == nil && err == nil {
		return nil, nil
	}
	if err == nil {
		err = os.Chmod(f.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(f.Name(), dest)
	}
	if err != nil {
		return nil, fmt.Errorf("writing layer %s: %w", dest, err)
	}
	l.path = dest
	return l, nil
}

func defaultMediaType(c Compression) types.MediaType {
	if c == Zstd {
		return types.OCILayerZStd
	}
	return types.OCILayer
}

// writeBlob streams tar → (diff_id hash) → compressor → (digest hash, size) → file.
func writeBlob(f io.Writer, o options, writeTar func(io.Writer) error) (*fileLayer, error) {
	blobHash := sha256.New()
	counter := &countingWriter{}
	buffered := bufio.NewWriterSize(io.MultiWriter(f, blobHash, counter), 1<<20)
	compressor, err := newCompressor(buffered, o)
	if err != nil {
		return nil, err
	}
	diffHash := sha256.New()
	if err := writeTar(io.MultiWriter(compressor, diffHash)); err != nil {
		return nil, err
	}
	if err := compressor.Close(); err != nil {
		return nil, err
	}
	if err := buffered.Flush(); err != nil {
		return nil, err
	}
	return &fileLayer{
		digest:    sha256Hash(blobHash),
		diffID:    sha256Hash(diffHash),
		size:      counter.n,
		mediaType: o.mediaType,
	}, nil
}

func newCompressor(w io.Writer, o options) (io.WriteCloser, error) {
	switch o.compression {
	case Gzip:
		level := o.level
		if level == 0 {
			level = gzip.DefaultCompression
		}
		return gzip.NewWriterLevel(w, level)
	case Zstd:
		level := zstd.SpeedDefault
		if o.level != 0 {
			level = zstd.EncoderLevelFromZstd(o.level)
		}
		return zstd.NewWriter(w, zstd.WithEncoderLevel(level), zstd.WithEncoderConcurrency(1))
	}
	return nil, fmt.Errorf("unknown compression %q; use gzip or zstd", o.compression)
}

func sha256Hash(h hash.Hash) v1.Hash {
	return v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(h.Sum(nil))}
}

type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return len(p), nil
}
