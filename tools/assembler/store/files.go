package store

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// files gives access to the named files of a layout directory or archive.
// Names are slash-separated and relative to the root; cleanName has made
// them so.
type files interface {
	exists(name string) bool
	open(name string) (io.ReadCloser, int64, error)
	countPrefix(prefix string) int
	close() error
}

// cleanName turns a name found in an index or manifest into a name relative
// to the root: ".." cannot climb above it, as in a tar extraction.
func cleanName(n string) string {
	return strings.TrimPrefix(path.Clean("/"+n), "/")
}

// dirFiles reads files below a directory through an os.Root, so a name or
// symlink can never lead out of it.
type dirFiles struct {
	root *os.Root
	dir  string
	// follow opens names as plain paths, following symlinks wherever they go.
	follow bool
}

func openDir(dir string, follow bool) (*dirFiles, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	return &dirFiles{root: root, dir: dir, follow: follow}, nil
}

func (d *dirFiles) stat(name string) (fs.FileInfo, error) {
	if d.follow {
		return os.Stat(filepath.Join(d.dir, filepath.FromSlash(name)))
	}
	return d.root.Stat(name)
}

// exists reports whether name is a regular file of the directory. A
// symlink that leads out of it counts, so that opening it says so.
func (d *dirFiles) exists(name string) bool {
	fi, err := d.stat(name)
	if err != nil && !d.follow && strings.Contains(err.Error(), "escapes") {
		return true
	}
	return err == nil && fi.Mode().IsRegular()
}

func (d *dirFiles) open(name string) (io.ReadCloser, int64, error) {
	fi, err := d.stat(name)
	if err != nil {
		return nil, 0, d.explain(name, err)
	}
	if !fi.Mode().IsRegular() {
		return nil, 0, fmt.Errorf("%s is not a regular file (%s)", name, fi.Mode().Type())
	}
	var f *os.File
	if d.follow {
		f, err = os.Open(filepath.Join(d.dir, filepath.FromSlash(name)))
	} else {
		f, err = d.root.Open(name)
	}
	if err != nil {
		return nil, 0, d.explain(name, err)
	}
	return f, fi.Size(), nil
}

// explain names a symlink that leads out of the directory, without telling
// anything about where it leads.
func (d *dirFiles) explain(name string, err error) error {
	if !d.follow && strings.Contains(err.Error(), "escapes") {
		return fmt.Errorf("%s is a symlink that leads out of %s; a layout's files must be inside it: copy the layout with its files (cp -rL)", name, d.dir)
	}
	return err
}

func (d *dirFiles) countPrefix(prefix string) int {
	n := 0
	fs.WalkDir(d.root.FS(), strings.TrimSuffix(prefix, "/"), func(_ string, e fs.DirEntry, err error) error {
		if err == nil && e.Type().IsRegular() {
			n++
		}
		return nil
	})
	return n
}

func (d *dirFiles) close() error { return d.root.Close() }

// openRegular opens a file named on the command line: symlinks are followed,
// and only a regular file is opened, so a FIFO cannot block the read.
func openRegular(p string) (*os.File, error) {
	fi, err := os.Stat(p)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file (%s)", p, fi.Mode().Type())
	}
	return os.Open(p)
}
