package store

import (
	"archive/tar"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// files gives access to the named files of a layout directory or archive.
type files interface {
	exists(name string) bool
	open(name string) (io.ReadCloser, int64, error)
	countPrefix(prefix string) int
	close() error
}

// dirFiles reads files below a directory.
type dirFiles string

func (d dirFiles) exists(name string) bool {
	fi, err := os.Stat(filepath.Join(string(d), filepath.FromSlash(name)))
	return err == nil && fi.Mode().IsRegular()
}

func (d dirFiles) open(name string) (io.ReadCloser, int64, error) {
	f, err := os.Open(filepath.Join(string(d), filepath.FromSlash(name)))
	if err != nil {
		return nil, 0, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	return f, fi.Size(), nil
}

func (d dirFiles) countPrefix(prefix string) int {
	n := 0
	filepath.WalkDir(filepath.Join(string(d), filepath.FromSlash(prefix)), func(_ string, e os.DirEntry, err error) error {
		if err == nil && e.Type().IsRegular() {
			n++
		}
		return nil
	})
	return n
}

func (d dirFiles) close() error { return nil }

// tarFiles reads the regular files of a tar archive in place: a table of
// contents maps names to offsets, so nothing is extracted.
type tarFiles struct {
	f   *os.File
	toc map[string]section
}

type section struct{ offset, size int64 }

func openTar(p string) (*tarFiles, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	toc, err := tableOfContents(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("reading %s: %w", p, err)
	}
	return &tarFiles{f: f, toc: toc}, nil
}

func tableOfContents(f *os.File) (map[string]section, error) {
	if err := refuseCompressed(f); err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	toc := map[string]section{}
	links := map[string]string{}
	tr := tar.NewReader(f)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
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
	switch hdr.Typeflag {
	case tar.TypeSymlink, tar.TypeLink:
		links[cleanName(hdr.Name)] = linkTarget(hdr)
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
	toc[cleanName(hdr.Name)] = section{offset: offset, size: hdr.Size}
	return nil
}

// linkTarget is the archive path a link entry points at.
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

// refuseCompressed explains a compressed archive, which is a common mistake
// (`docker save | gzip`), instead of reporting a tar format error.
func refuseCompressed(f *os.File) error {
	magic := make([]byte, 4)
	n, _ := io.ReadFull(f, magic)
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	switch {
	case n >= 2 && bytes.Equal(magic[:2], []byte{0x1f, 0x8b}):
		return errors.New("the archive is gzip-compressed; decompress it first (gunzip)")
	case n == 4 && bytes.Equal(magic, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		return errors.New("the archive is zstd-compressed; decompress it first (zstd -d)")
	}
	return nil
}

func cleanName(n string) string {
	return strings.TrimPrefix(path.Clean("/"+n), "/")
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

func (t *tarFiles) close() error { return t.f.Close() }
