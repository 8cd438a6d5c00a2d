// Package layer writes image layers as deterministic tar streams.
//
// A layer is described by a list of Entries (files, directories, symlinks) with
// their in-image paths. Build normalises that list (clean paths, implicit parent
// directories, sorted order, fixed owner and mtime) so the same inputs always
// give the same bytes, then compresses it while computing both the blob digest
// and the diff_id in a single pass over the data.
package layer

import (
	"fmt"
	"path"
	"strings"
)

// Kind is the type of a layer entry.
type Kind int

const (
	// File is a regular file whose content comes from Entry.Source.
	File Kind = iota
	// Dir is a directory.
	Dir
	// Symlink is a symbolic link pointing at Entry.Target.
	Symlink
)

// Entry is one file system object in a layer.
type Entry struct {
	// Path is the location inside the image, e.g. "/app/server".
	Path string
	Kind Kind
	// Source is the host file that holds a File's content.
	Source string
	// Target is a Symlink's destination, as stored in the link.
	Target string
	// Mode holds the permission bits; zero means 0755 for directories and
	// 0644 for files.
	Mode int64
	UID  int
	GID  int
	// Xattrs are extended attributes by name, such as CapabilityXattr,
	// written as SCHILY.xattr.NAME PAX records, as GNU tar and ko write them.
	Xattrs map[string][]byte
}

// cleanPath turns an in-image path into the relative, slash-separated form
// used inside layer tarballs, refusing paths that leave the image root.
func cleanPath(p string) (string, error) {
	if p == "" {
		return "", fmt.Errorf("empty path in layer")
	}
	if strings.Contains(p, "\\") {
		return "", fmt.Errorf("path %q uses a backslash; image paths are slash-separated", p)
	}
	rel := strings.TrimPrefix(p, "/")
	for _, part := range strings.Split(rel, "/") {
		if part == ".." {
			return "", fmt.Errorf("path %q escapes the image root; use a path below /", p)
		}
	}
	c := path.Clean("/" + rel)
	if c == "/" {
		return "", fmt.Errorf("path %q names the image root; give a file or directory below /", p)
	}
	return c[1:], nil
}

func (e Entry) mode() int64 {
	switch {
	case e.Mode != 0:
		return e.Mode
	case e.Kind == Dir:
		return 0o755
	case e.Kind == Symlink:
		return 0o777
	default:
		return 0o644
	}
}
