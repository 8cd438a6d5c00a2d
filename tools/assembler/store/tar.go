package store

import (
	"archive/tar"
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// tarFiles reads the regular files of a tar archive in place: a table of
// contents maps names to offsets, so nothing is extracted.
type tarFiles struct {
	f   *os.File
	toc map[string]section
	// temp is a decompressed copy of the archive, removed on close.
	temp string
}

type section struct{ offset, size int64 }

// openArchive opens a tar archive, decompressing a gzip or zstd one into
// workDir first (`docker save IMAGE | gzip` is a common way to keep one).
func openArchive(p, workDir string) (*tarFiles, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	t := &tarFiles{f: f}
	if err := t.decompress(workDir); err != nil {
		t.close()
		return nil, fmt.Errorf("reading %s: %w", p, err)
	}
	if t.toc, err = tableOfContents(t.f); err != nil {
		t.close()
		return nil, fmt.Errorf("reading %s: %w", p, err)
	}
	return t, nil
}

// decompress replaces t.f by a decompressed copy when it is compressed.
func (t *tarFiles) decompress(workDir string) error {
	br := bufio.NewReader(t.f)
	magic, _ := br.Peek(4)
	var r io.ReadCloser
	var err error
	switch {
	case bytes.HasPrefix(magic, []byte{0x1f, 0x8b}):
		r, err = gzip.NewReader(br)
	case bytes.HasPrefix(magic, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		var d *zstd.Decoder
		d, err = zstd.NewReader(br, zstd.WithDecoderConcurrency(1))
		if err == nil {
			r = d.IOReadCloser()
		}
	default:
		_, err = t.f.Seek(0, io.SeekStart)
		return err
	}
	if err != nil {
		return fmt.Errorf("the archive is compressed, but cannot be decompressed (%v); it may be truncated, re-create it", err)
	}
	defer r.Close()
	out, err := os.CreateTemp(workDir, "archive-*.tar")
	if err != nil {
		return fmt.Errorf("decompressing the archive: %w", err)
	}
	t.temp = out.Name()
	if _, err := io.Copy(out, r); err != nil {
		out.Close()
		var pe *fs.PathError
		if errors.As(err, &pe) && pe.Path == out.Name() {
			// Writing failed (a full disk), not the archive.
			return fmt.Errorf("decompressing the archive into %s: %w", workDir, err)
		}
		return fmt.Errorf("the archive is compressed, and decompressing it failed (%v); it may be truncated, re-create it", err)
	}
	t.f.Close()
	t.f = out
	_, err = out.Seek(0, io.SeekStart)
	return err
}

func tableOfContents(f *os.File) (map[string]section, error) {
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	toc := map[string]section{}
	links := map[string]string{}
	tr := tar.NewReader(f)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			resolveLinks(toc, links)
			return toc, nil
		}
		if err != nil {
			return nil, fmt.Errorf("not a readable tar archive (%v); it may be truncated, re-create it", err)
		}
		if err := addEntry(f, fi.Size(), hdr, toc, links); err != nil {
			return nil, err
		}
	}
}

// addEntry records a regular file or a link of the archive.
func addEntry(f *os.File, archiveSize int64, hdr *tar.Header, toc map[string]section, links map[string]string) error {
	name := cleanName(hdr.Name)
	switch hdr.Typeflag {
	case tar.TypeSymlink, tar.TypeLink:
		links[name] = linkTarget(hdr)
		delete(toc, name)
		return nil
	case tar.TypeReg:
	default:
		return nil
	}
	// tar.Reader reads headers block by block, so the file position is where
	// this entry's content starts.
	offset, err := f.Seek(0, io.SeekCurrent)
	if err != nil {
		return err
	}
	if offset+hdr.Size > archiveSize {
		return fmt.Errorf("the archive is truncated: %s needs %d bytes past its end; re-create it", hdr.Name, offset+hdr.Size-archiveSize)
	}
	// A later entry of the same name replaces an earlier one, as when the
	// archive is extracted.
	toc[name] = section{offset: offset, size: hdr.Size}
	delete(links, name)
	return nil
}

// linkTarget is the archive path a link entry points at, resolved inside
// the archive: an absolute target or ".." never leaves it.
func linkTarget(hdr *tar.Header) string {
	if hdr.Typeflag == tar.TypeLink || strings.HasPrefix(hdr.Linkname, "/") {
		return cleanName(hdr.Linkname)
	}
	return cleanName(path.Join(path.Dir(cleanName(hdr.Name)), hdr.Linkname))
}

// resolveLinks adds the files that links point at under the links' names:
// classic `docker save` stores a layer that an image has twice once, and
// links the second <id>/layer.tar to the first.
func resolveLinks(toc map[string]section, links map[string]string) {
	for name, target := range links {
		for hops := 0; hops < 8; hops++ {
			if s, ok := toc[target]; ok {
				toc[name] = s
				break
			}
			next, ok := links[target]
			if !ok {
				break
			}
			target = next
		}
	}
}

func (t *tarFiles) exists(name string) bool {
	_, ok := t.toc[name]
	return ok
}

func (t *tarFiles) open(name string) (io.ReadCloser, int64, error) {
	s, ok := t.toc[name]
	if !ok {
		return nil, 0, fmt.Errorf("no file %s: %w", name, os.ErrNotExist)
	}
	return io.NopCloser(io.NewSectionReader(t.f, s.offset, s.size)), s.size, nil
}

func (t *tarFiles) countPrefix(prefix string) int {
	n := 0
	for name := range t.toc {
		if strings.HasPrefix(name, prefix) {
			n++
		}
	}
	return n
}

func (t *tarFiles) close() error {
	err := t.f.Close()
	if t.temp != "" {
		os.Remove(t.temp)
	}
	return err
}
