package layer

import (
	"archive/tar"
	"fmt"
	"io"
	"path"
	"sort"
	"time"
)

// normalize cleans every path, adds the parent directories that are not
// listed, refuses duplicates, and sorts the result so parents precede children.
func normalize(entries []Entry) ([]Entry, error) {
	byPath := make(map[string]Entry, len(entries))
	for _, e := range entries {
		p, err := cleanPath(e.Path)
		if err != nil {
			return nil, err
		}
		e.Path = p
		if prev, ok := byPath[p]; ok && !(prev.Kind == Dir && e.Kind == Dir) {
			return nil, fmt.Errorf("path /%s is listed twice in one layer", p)
		}
		byPath[p] = e
	}
	for p := range byPath {
		for dir := path.Dir(p); dir != "."; dir = path.Dir(dir) {
			if _, ok := byPath[dir]; !ok {
				byPath[dir] = Entry{Path: dir, Kind: Dir}
			}
		}
	}
	out := make([]Entry, 0, len(byPath))
	for _, e := range byPath {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

// writeTar writes the normalised entries as a tar stream with fixed
// ownership and modification times.
func writeTar(w io.Writer, entries []Entry, o options) error {
	tw := newIndexingWriter(w, o.fs)
	for _, e := range entries {
		if err := writeEntry(tw, e, o.mtime); err != nil {
			return err
		}
	}
	return tw.Close()
}

func writeEntry(tw *indexingWriter, e Entry, mtime time.Time) error {
	hdr := &tar.Header{
		Name:    e.Path,
		Mode:    e.mode(),
		Uid:     e.UID,
		Gid:     e.GID,
		ModTime: mtime,
		Format:  tar.FormatPAX,
	}
	for name, value := range e.Xattrs {
		if hdr.PAXRecords == nil {
			hdr.PAXRecords = map[string]string{}
		}
		// archive/tar writes PAX records sorted by name.
		hdr.PAXRecords["SCHILY.xattr."+name] = string(value)
	}
	switch e.Kind {
	case Dir:
		hdr.Typeflag = tar.TypeDir
		hdr.Name += "/"
		return tw.WriteHeader(hdr)
	case Symlink:
		hdr.Typeflag = tar.TypeSymlink
		hdr.Linkname = e.Target
		return tw.WriteHeader(hdr)
	}
	return writeRegular(tw, hdr, e.Source)
}

func writeRegular(tw *indexingWriter, hdr *tar.Header, source string) error {
	// Checked before opening: opening a FIFO would block.
	f, err := openRegular(source)
	if err != nil {
		return fmt.Errorf("reading %q for /%s: %w; give a regular file", source, hdr.Name, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("reading %q: %w", source, err)
	}
	hdr.Typeflag = tar.TypeReg
	hdr.Size = fi.Size()
	if err := tw.WriteHeader(hdr); err != nil {
		return err
	}
	if _, err := io.Copy(tw, f); err != nil {
		return fmt.Errorf("copying %q into the layer: %w", source, err)
	}
	return nil
}
