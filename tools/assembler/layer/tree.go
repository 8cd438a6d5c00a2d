package layer

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
)

// Tree lists the files, directories and symlinks below the host directory
// src as entries below dest in the image. Modes are normalised (0755 for
// directories and files the owner may execute, 0644 for other files), so the
// layer does not depend on the host's umask.
func Tree(src, dest string, uid, gid int) ([]Entry, error) {
	var entries []Entry
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		if rel == "." && path.Clean("/"+dest) == "/" {
			return nil // the image root exists already
		}
		e, err := treeEntry(p, path.Join(dest, filepath.ToSlash(rel)), d)
		if err != nil || e == nil {
			return err
		}
		e.UID, e.GID = uid, gid
		entries = append(entries, *e)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading directory %s: %w", src, err)
	}
	return entries, nil
}

func treeEntry(hostPath, imagePath string, d fs.DirEntry) (*Entry, error) {
	switch {
	case d.IsDir():
		return &Entry{Path: imagePath, Kind: Dir, Mode: 0o755}, nil
	case d.Type()&fs.ModeSymlink != 0:
		target, err := os.Readlink(hostPath)
		if err != nil {
			return nil, err
		}
		return &Entry{Path: imagePath, Kind: Symlink, Target: target}, nil
	case d.Type().IsRegular():
		fi, err := d.Info()
		if err != nil {
			return nil, err
		}
		mode := int64(0o644)
		if fi.Mode()&0o100 != 0 {
			mode = 0o755
		}
		return &Entry{Path: imagePath, Kind: File, Source: hostPath, Mode: mode}, nil
	}
	return nil, fmt.Errorf("%s is neither a file, a directory nor a symlink; layers hold only those", hostPath)
}
