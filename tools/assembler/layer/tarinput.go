package layer

import (
	"archive/tar"
	"bufio"
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"

	"github.com/rules-goimage/rules_goimage/tools/assembler/fsindex"
	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/sniff"
)

// PortableMTime is the fixed modification time that rules_pkg and other
// reproducible tar writers give every entry: 2000-01-01T00:00:00Z.
var PortableMTime = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// WithTars puts the entries of tar files (plain, gzip or zstd) into the
// layer, in order, before the Entries. Owners, modes, links and extended
// attributes are kept; paths are cleaned and must stay below the root.
func WithTars(paths ...string) Option { return func(o *options) { o.tars = append(o.tars, paths...) } }

// WithTarMTimes keeps the tars' modification times as they are. Without it,
// times later than the clamp (the later of WithModTime's and PortableMTime)
// are set to it, and access and change times are dropped: a tar written at
// build time gives the same layer whenever it was written.
func WithTarMTimes() Option { return func(o *options) { o.keepTarMTimes = true } }

// WithFSLayer records what the layer's tar entries do to the file system
// into fs, for the image checks.
func WithFSLayer(fs *fsindex.Layer) Option { return func(o *options) { o.fs = fs } }

func (o options) tarClamp() time.Time {
	if o.mtime.After(PortableMTime) {
		return o.mtime
	}
	return PortableMTime
}

// tarFormat is how a tar input is compressed.
type tarFormat int

const (
	plainTar tarFormat = iota
	gzipTar
	zstdTar
)

// openTar opens a tar file and tells how it is compressed, from its first
// bytes: names lie (a .tar.gz may be plain), the bytes do not.
func openTar(p string) (*os.File, tarFormat, error) {
	f, err := openRegular(p)
	if err != nil {
		return nil, 0, fmt.Errorf("reading tar %s: %w", p, err)
	}
	magic, err := sniff.Head(f, 6)
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	switch {
	case bytes.HasPrefix(magic, []byte{0x1f, 0x8b}):
		return f, gzipTar, nil
	case bytes.HasPrefix(magic, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		return f, zstdTar, nil
	case bytes.HasPrefix(magic, []byte{0xfd, '7', 'z', 'X', 'Z', 0}), bytes.HasPrefix(magic, []byte("BZh")):
		f.Close()
		return nil, 0, fmt.Errorf("tar %s is compressed with xz or bzip2; give a plain, gzip or zstd tar (such as `xz -dc %s > layer.tar`)", p, filepath.Base(p))
	}
	return f, plainTar, nil
}

// decompress returns the tar stream of r.
func decompress(r io.Reader, format tarFormat) (io.ReadCloser, error) {
	switch format {
	case gzipTar:
		return gzip.NewReader(r)
	case zstdTar:
		d, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1))
		if err != nil {
			return nil, err
		}
		return d.IOReadCloser(), nil
	}
	return io.NopCloser(r), nil
}

// reuseTar writes the one tar of a layer as its blob, byte for byte, when
// nothing in it needs to change: it is compressed, with a gzip header that
// records no time, and no entry needs its times normalized. Otherwise it
// returns nil and no error, and the layer is written anew.
func reuseTar(src, dest string, o options) (*fileLayer, error) {
	f, format, err := openTar(src)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if format == plainTar || (format == gzipTar && gzipHeaderHasTime(f)) {
		return nil, nil
	}
	mediaType := o.mediaType
	if mediaType == "" || mediaType == defaultMediaType(o.compression) {
		mediaType = map[tarFormat]types.MediaType{gzipTar: types.OCILayer, zstdTar: types.OCILayerZStd}[format]
	}
	l, err := writeFile(dest, func(w io.Writer) (*fileLayer, error) { return copyVerbatim(f, w, src, format, o) })
	if err != nil || l == nil {
		return nil, err
	}
	l.mediaType = mediaType
	return l, nil
}

// errRewrite stops a verbatim copy: the tar has to be written anew.
var errRewrite = errors.New("the tar needs rewriting")

// copyVerbatim copies the compressed tar r to w while reading its entries,
// and returns the layer's digests; nil when an entry needs rewriting.
func copyVerbatim(r io.Reader, w io.Writer, src string, format tarFormat, o options) (*fileLayer, error) {
	blobHash, diffHash, counter := sha256.New(), sha256.New(), &countingWriter{}
	raw := io.TeeReader(r, io.MultiWriter(w, blobHash, counter))
	stream, err := decompress(raw, format)
	if err != nil {
		return nil, fmt.Errorf("reading tar %s: %w", src, err)
	}
	defer stream.Close()
	fs := &fsindex.Layer{}
	err = readTar(io.TeeReader(stream, diffHash), src, func(hdr *tar.Header, content io.Reader) error {
		if needsRewrite(hdr, o) {
			return errRewrite
		}
		return fs.Add(hdr, content)
	})
	if errors.Is(err, errRewrite) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	// The rest of the stream (the tar's end and padding) is part of both.
	if _, err := io.Copy(diffHash, stream); err != nil {
		return nil, fmt.Errorf("reading tar %s: %w", src, err)
	}
	if _, err := io.Copy(io.Discard, raw); err != nil {
		return nil, fmt.Errorf("reading tar %s: %w", src, err)
	}
	if o.fs != nil {
		o.fs.Merge(fs)
	}
	return &fileLayer{digest: sha256Hash(blobHash), diffID: sha256Hash(diffHash), size: counter.n}, nil
}

// gzipHeaderHasTime reports whether a gzip stream records when it was
// written (gzip without -n), which makes its bytes depend on that time.
func gzipHeaderHasTime(f *os.File) bool {
	var hdr [8]byte
	_, err := f.ReadAt(hdr[:], 0)
	return err != nil || hdr[4]|hdr[5]|hdr[6]|hdr[7] != 0
}

// needsRewrite reports whether an entry of a tar changes in a layer: a time
// to normalize, or a name that is not clean (a "./" prefix, as `tar -C dir .`
// writes, is clean enough: every runtime reads it).
func needsRewrite(hdr *tar.Header, o options) bool {
	name := strings.TrimSuffix(strings.TrimPrefix(hdr.Name, "./"), "/")
	if name != "" && name != "." && (strings.HasPrefix(name, "/") || path.Clean(name) != name) {
		return true
	}
	if o.keepTarMTimes {
		return false
	}
	return hdr.ModTime.After(o.tarClamp()) || !hdr.AccessTime.IsZero() || !hdr.ChangeTime.IsZero() ||
		hdr.ModTime.Nanosecond() != 0
}

// readTar calls fn for each entry of the tar stream r, checked: a known
// type, a path below the root, a hard link to an earlier entry. A PAX global
// header (git archive writes one, holding the commit) is no file: it is
// skipped, as docker and containerd skip it when they unpack a layer.
func readTar(r io.Reader, src string, fn func(*tar.Header, io.Reader) error) error {
	tr := tar.NewReader(bufio.NewReaderSize(r, 1<<16))
	seen := map[string]bool{}
	for entries := 0; ; entries++ {
		hdr, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("reading tar %s: %w", src, err)
		}
		if hdr.Typeflag == tar.TypeXGlobalHeader {
			continue
		}
		if entries == maxTarEntries {
			return fmt.Errorf("tar %s has more than %d entries, the most a tar layer may hold; split it into several tars", src, maxTarEntries)
		}
		if err := checkTarLimits(hdr); err != nil {
			return fmt.Errorf("tar %s: %w", src, err)
		}
		if err := checkTarEntry(hdr, seen); err != nil {
			return fmt.Errorf("tar %s: %w", src, err)
		}
		if err := fn(hdr, tr); err != nil {
			return err
		}
	}
}

func checkTarEntry(hdr *tar.Header, seen map[string]bool) error {
	name, err := cleanTarName(hdr.Name)
	if err != nil {
		return err
	}
	switch hdr.Typeflag {
	case tar.TypeReg, tar.TypeDir, tar.TypeSymlink, tar.TypeChar, tar.TypeBlock, tar.TypeFifo:
	case tar.TypeLink:
		target, err := cleanTarName(hdr.Linkname)
		if err != nil {
			return fmt.Errorf("hard link %s: %w", hdr.Name, err)
		}
		if !seen[target] {
			return fmt.Errorf("hard link %s points at %s, which is not an earlier entry of the tar", hdr.Name, hdr.Linkname)
		}
	default:
		return fmt.Errorf("entry %s has tar type %q, which an image layer cannot hold", hdr.Name, hdr.Typeflag)
	}
	seen[name] = true
	return nil
}

// cleanTarName is the clean relative form of a tar entry's name, "" for
// the root itself; names that leave the root are refused.
func cleanTarName(name string) (string, error) {
	rel := strings.TrimLeft(strings.TrimPrefix(name, "./"), "/")
	for _, part := range strings.Split(rel, "/") {
		if part == ".." {
			return "", fmt.Errorf("entry %q escapes the image root", name)
		}
	}
	c := path.Clean("/" + rel)
	return strings.TrimPrefix(c, "/"), nil
}

// tarMerger writes the entries of several tars and then a layer's own
// entries into one tar, refusing a path that two of them give (but for
// directories, which the first gives).
type tarMerger struct {
	tw     *indexingWriter
	o      options
	owners map[string]string // path → the source that gave it
	isDir  map[string]bool
}

func (m *tarMerger) copyTar(src string) error {
	f, format, err := openTar(src)
	if err != nil {
		return err
	}
	defer f.Close()
	stream, err := decompress(bufio.NewReaderSize(f, 1<<20), format)
	if err != nil {
		return fmt.Errorf("reading tar %s: %w", src, err)
	}
	defer stream.Close()
	return readTar(stream, src, func(hdr *tar.Header, content io.Reader) error {
		return m.copyEntry(hdr, content, src)
	})
}

func (m *tarMerger) copyEntry(hdr *tar.Header, content io.Reader, src string) error {
	name, _ := cleanTarName(hdr.Name)
	if name == "" {
		return nil // the root: every image has one
	}
	isDir := hdr.Typeflag == tar.TypeDir
	if owner, ok := m.owners[name]; ok {
		if isDir && m.isDir[name] {
			return nil
		}
		if owner != src {
			return fmt.Errorf("/%s is in both %s and %s; a layer holds each path once", name, owner, src)
		}
	}
	m.owners[name], m.isDir[name] = src, isDir
	out := m.normalizedHeader(hdr, name)
	if err := m.tw.WriteHeader(out); err != nil {
		return err
	}
	if hdr.Typeflag == tar.TypeReg {
		_, err := io.Copy(m.tw, content)
		return err
	}
	return nil
}

// normalizedHeader is hdr with a clean name and, unless kept, clamped times.
func (m *tarMerger) normalizedHeader(hdr *tar.Header, name string) *tar.Header {
	out := *hdr
	out.Name = name
	if hdr.Typeflag == tar.TypeDir {
		out.Name += "/"
	}
	if hdr.Typeflag == tar.TypeLink {
		out.Linkname, _ = cleanTarName(hdr.Linkname)
	}
	// The extended attributes are in PAXRecords too; Xattrs, which
	// tar.Reader still fills, would repeat them.
	//lint:ignore SA1019 cleared, never read
	out.PAXRecords, out.Xattrs = extendedAttributes(hdr.PAXRecords), nil
	out.Format = tar.FormatPAX
	if !m.o.keepTarMTimes {
		out.AccessTime, out.ChangeTime = time.Time{}, time.Time{}
		out.ModTime = hdr.ModTime.Truncate(time.Second)
		if clamp := m.o.tarClamp(); out.ModTime.After(clamp) {
			out.ModTime = clamp
		}
	}
	return &out
}

// extendedAttributes keeps the PAX records no Header field carries, such as
// SCHILY.xattr.* (file capabilities, SELinux labels).
func extendedAttributes(records map[string]string) map[string]string {
	var out map[string]string
	for k, v := range records {
		switch k {
		case "path", "linkpath", "size", "uid", "gid", "uname", "gname", "mtime", "atime", "ctime":
			continue
		}
		if out == nil {
			out = map[string]string{}
		}
		out[k] = v
	}
	return out
}

// writeEntries writes the layer's own entries after the tars'.
func (m *tarMerger) writeEntries(entries []Entry) error {
	for _, e := range entries {
		if owner, ok := m.owners[e.Path]; ok {
			if e.Kind == Dir && m.isDir[e.Path] {
				continue
			}
			return fmt.Errorf("/%s is in %s and given as a file of the layer too; a layer holds each path once", e.Path, owner)
		}
		if err := writeEntry(m.tw, e, m.o.mtime); err != nil {
			return err
		}
	}
	return nil
}

// writeMerged writes the tars' entries, then the normalized entries.
func writeMerged(w io.Writer, o options, entries []Entry) error {
	m := &tarMerger{tw: newIndexingWriter(w, o.fs), o: o, owners: map[string]string{}, isDir: map[string]bool{}}
	for _, src := range o.tars {
		if err := m.copyTar(src); err != nil {
			return err
		}
	}
	if err := m.writeEntries(entries); err != nil {
		return err
	}
	return m.tw.Close()
}
