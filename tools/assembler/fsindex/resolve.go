package fsindex

import (
	"path"
	"strings"
)

// maxLinks bounds the symlinks one path resolves through, as Linux's
// MAXSYMLINKS does: a loop of links ends, unresolved.
const maxLinks = 40

// Resolve follows the symlinks of p, those of its folders too (as /bin is
// a link to usr/bin in merged-/usr images), and returns the path they lead
// to; false for a loop of links. Each link resolves inside the image: an
// absolute target from its root, a relative one from the link's folder.
func (x *Index) Resolve(p string) (string, bool) {
	p = path.Clean("/" + p)
	for hops := 0; hops < maxLinks; hops++ {
		link, target, ok := x.firstLink(p)
		if !ok {
			return p, true
		}
		if !path.IsAbs(target) {
			target = path.Join(path.Dir(link), target)
		}
		p = path.Clean("/" + target + strings.TrimPrefix(p, link))
	}
	return p, false
}

// firstLink returns the first of p's folders, or p itself, that is a
// symlink, with its target.
func (x *Index) firstLink(p string) (link, target string, ok bool) {
	if len(x.Links) == 0 {
		return "", "", false
	}
	for i := 1; i <= len(p); i++ {
		if i < len(p) && p[i] != '/' {
			continue
		}
		if target, ok := x.Links[p[:i]]; ok {
			return p[:i], target, true
		}
	}
	return "", "", false
}

// Kind is what a path is, as far as the index knows.
type Kind int

const (
	// Missing: nothing is there, or a symlink leads nowhere.
	Missing Kind = iota
	// Directory: a folder with something in it.
	Directory
	// Executable: a regular file with an execute bit.
	Executable
	// File: a regular file without an execute bit.
	File
	// Unknown: it exists, but no tar header said what it is (or it is an
	// empty directory, or a device).
	Unknown
)

// Stat resolves p's symlinks and returns the path they lead to and what
// is there.
func (x *Index) Stat(p string) (string, Kind) {
	resolved, ok := x.Resolve(p)
	switch {
	case !ok || !x.Paths[resolved]:
		return resolved, Missing
	case x.Execs[resolved]:
		return resolved, Executable
	case x.Files[resolved]:
		return resolved, File
	case x.HasUnder(resolved):
		return resolved, Directory
	}
	return resolved, Unknown
}
