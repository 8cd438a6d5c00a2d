// Package fsindex records what an image's file system holds, as far as the
// checks of an image need it: which paths exist, which of them are
// executables, regular files and symlinks (with their targets), the
// machine each ELF executable and shared library is for (read from the
// first bytes of its content), and the users and groups that /etc/passwd
// and /etc/group name. A base's index is
// made once, as its layers are read at import; an image's is its base's
// with its own layers' entries on top, so no build reads a base's layers to
// check an image.
//
// A path's kind is known only when a tar header said it: a layer that lists
// its paths alone leaves them of unknown kind, and the checks take such a
// path as whatever they need, so that they never refuse what they cannot see.
package fsindex

import (
	"archive/tar"
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/rules-goimage/rules_goimage/tools/assembler/platform"
)

// LayoutDir is the folder, beside blobs/, where an image layout keeps the
// indexes of its images' file systems: an import writes them, a thin
// layout carries them on, a build on the layout reads them.
const LayoutDir = "fsindex"

// LayoutFile is the file, relative to its layout, that holds the index of
// the file system of the image whose manifest has digest manifest.
func LayoutFile(manifest v1.Hash) string { return LayoutDir + "/" + manifest.Hex + ".json" }

// Index is the file system of an image, as its layers build it.
type Index struct {
	// Paths are the absolute paths that exist, directories included.
	Paths map[string]bool
	// Users maps each user of /etc/passwd to its "uid:gid".
	Users map[string]string
	// Groups maps each group of /etc/group to its gid.
	Groups map[string]string
	// Execs are the regular files with an execute bit, and Files those
	// without one.
	Execs, Files map[string]bool
	// Links maps each symlink to its target, as the link holds it.
	Links map[string]string
	// ELF maps each ELF executable and shared library to the machine its
	// header names.
	ELF map[string]platform.ELF
}

// New returns the index of an empty file system.
func New() *Index {
	return &Index{Paths: map[string]bool{}, Users: map[string]string{}, Groups: map[string]string{},
		Execs: map[string]bool{}, Files: map[string]bool{}, Links: map[string]string{}, ELF: map[string]platform.ELF{}}
}

// Layer is what one layer does to a file system: the paths it adds and the
// ones it removes (whiteouts), and /etc/passwd's users and /etc/group's
// groups when it writes them. Execs, Files and Links say the kinds of the
// added paths their tar headers gave; an added path in none of them is a
// directory, or of a kind the layer did not say. ELF holds the headers of
// the ELF executables and shared libraries among its regular files (a hard
// link is its target's file, and is not listed again).
type Layer struct {
	Adds    []string                `json:"adds,omitempty"`
	Removes []string                `json:"removes,omitempty"`
	Opaque  []string                `json:"opaque,omitempty"`
	Users   map[string]string       `json:"users,omitempty"`
	Groups  map[string]string       `json:"groups,omitempty"`
	Execs   []string                `json:"execs,omitempty"`
	Files   []string                `json:"files,omitempty"`
	Links   map[string]string       `json:"links,omitempty"`
	ELF     map[string]platform.ELF `json:"elf,omitempty"`
}

// maxPasswd bounds the /etc/passwd and /etc/group read for their names.
const maxPasswd = 1 << 20

// ReadLayer records the entries of an uncompressed layer tar.
func ReadLayer(r io.Reader) (*Layer, error) {
	l := &Layer{}
	tr := tar.NewReader(r)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return l, nil
		}
		if err != nil {
			return nil, err
		}
		if err := l.Add(hdr, tr); err != nil {
			return nil, err
		}
	}
}

// readsAccounts reports whether hdr is an /etc/passwd or /etc/group whose
// names Add reads.
func readsAccounts(hdr *tar.Header) bool {
	p := path.Clean("/" + hdr.Name)
	return (p == "/etc/passwd" || p == "/etc/group") && hdr.Size <= maxPasswd
}

// Add records one tar entry; content is its file's content, or its first
// ContentRead(hdr) bytes, or nil when the writer has none to give.
func (l *Layer) Add(hdr *tar.Header, content io.Reader) error {
	p := path.Clean("/" + hdr.Name)
	dir, base := path.Split(p)
	switch {
	case base == ".wh..wh..opq":
		l.Opaque = append(l.Opaque, path.Clean(dir))
		return nil
	case strings.HasPrefix(base, ".wh."):
		l.Removes = append(l.Removes, path.Join(dir, strings.TrimPrefix(base, ".wh.")))
		return nil
	}
	l.Adds = append(l.Adds, p)
	l.addKind(p, hdr)
	if content == nil || ContentRead(hdr) == 0 {
		return nil
	}
	content, err := l.readHead(p, hdr, content)
	if err != nil {
		return fmt.Errorf("reading %s: %w", p, err)
	}
	if !readsAccounts(hdr) {
		return nil
	}
	switch p {
	case "/etc/passwd":
		l.Users, err = readNames(io.LimitReader(content, maxPasswd), 4, userID)
	case "/etc/group":
		l.Groups, err = readNames(io.LimitReader(content, maxPasswd), 3, groupID)
	}
	if err != nil {
		return fmt.Errorf("reading %s: %w", p, err)
	}
	return nil
}

// Merge adds what o records to l, as one layer that holds the entries of
// both: o's /etc/passwd and /etc/group, when it read them, replace l's.
func (l *Layer) Merge(o *Layer) {
	l.Adds = append(l.Adds, o.Adds...)
	l.Removes = append(l.Removes, o.Removes...)
	l.Opaque = append(l.Opaque, o.Opaque...)
	l.Execs = append(l.Execs, o.Execs...)
	l.Files = append(l.Files, o.Files...)
	for p, target := range o.Links {
		if l.Links == nil {
			l.Links = map[string]string{}
		}
		l.Links[p] = target
	}
	for p, e := range o.ELF {
		if l.ELF == nil {
			l.ELF = map[string]platform.ELF{}
		}
		l.ELF[p] = e
	}
	if o.Users != nil {
		l.Users = o.Users
	}
	if o.Groups != nil {
		l.Groups = o.Groups
	}
}

// addKind records what the header says p is. A hard link is an executable
// when its header has an execute bit; without one its kind stays unknown,
// as some writers leave a link's mode zero.
func (l *Layer) addKind(p string, hdr *tar.Header) {
	executable := hdr.Mode&0o111 != 0
	switch {
	case hdr.Typeflag == tar.TypeSymlink:
		if l.Links == nil {
			l.Links = map[string]string{}
		}
		l.Links[p] = hdr.Linkname
	case (hdr.Typeflag == tar.TypeReg || hdr.Typeflag == tar.TypeLink) && executable:
		l.Execs = append(l.Execs, p)
	case hdr.Typeflag == tar.TypeReg:
		l.Files = append(l.Files, p)
	}
}

// readNames reads the name:x:id... lines of /etc/passwd or /etc/group,
// which have at least fields fields, into a map of name to id(fields).
func readNames(r io.Reader, fields int, id func([]string) string) (map[string]string, error) {
	names := map[string]string{}
	s := bufio.NewScanner(r)
	for s.Scan() {
		f := strings.Split(s.Text(), ":")
		if len(f) >= fields && f[0] != "" && !strings.HasPrefix(f[0], "#") {
			names[f[0]] = id(f)
		}
	}
	return names, s.Err()
}

// userID is a passwd line's "uid:gid"; groupID a group line's gid.
func userID(f []string) string  { return f[2] + ":" + f[3] }
func groupID(f []string) string { return f[2] }

// Apply puts a layer on top of the file system.
func (x *Index) Apply(l *Layer) {
	if l == nil {
		return
	}
	for _, d := range l.Opaque {
		x.removeBelow(d)
	}
	for _, p := range l.Removes {
		x.remove(p)
		x.removeBelow(p)
	}
	execs, files := set(l.Execs), set(l.Files)
	for _, p := range l.Adds {
		for q := p; q != "/" && !x.Paths[q]; q = path.Dir(q) {
			x.Paths[q] = true
		}
		// A folder of an added path is a directory in this layer: where a
		// lower layer has a symlink there, the layer's directory hides it,
		// as overlay file systems show it.
		for q := path.Dir(p); q != "/"; q = path.Dir(q) {
			delete(x.Links, q)
		}
		delete(x.Execs, p)
		delete(x.Files, p)
		delete(x.Links, p)
		delete(x.ELF, p)
		if e, ok := l.ELF[p]; ok {
			x.ELF[p] = e
		}
		switch target, link := l.Links[p]; {
		case link:
			x.Links[p] = target
		case execs[p]:
			x.Execs[p] = true
		case files[p]:
			x.Files[p] = true
		}
		x.applyAccounts(l, p)
	}
	if !x.Paths["/etc/passwd"] {
		x.Users = nil
	}
	if !x.Paths["/etc/group"] {
		x.Groups = nil
	}
}

// applyAccounts keeps the users and groups in step with the files that
// name them: a layer that writes /etc/passwd or /etc/group replaces what
// the index knew of it, with nothing when the layer could not read it.
func (x *Index) applyAccounts(l *Layer, added string) {
	switch added {
	case "/etc/passwd":
		x.Users = l.Users
	case "/etc/group":
		x.Groups = l.Groups
	}
}

func set(list []string) map[string]bool {
	s := make(map[string]bool, len(list))
	for _, p := range list {
		s[p] = true
	}
	return s
}

func (x *Index) remove(p string) {
	delete(x.Paths, p)
	delete(x.Execs, p)
	delete(x.Files, p)
	delete(x.Links, p)
	delete(x.ELF, p)
}

func (x *Index) removeBelow(dir string) {
	prefix := strings.TrimSuffix(dir, "/") + "/"
	for p := range x.Paths {
		if strings.HasPrefix(p, prefix) {
			x.remove(p)
		}
	}
}

// Has reports whether the path exists, following symlinks as the kernel
// does (see Resolve).
func (x *Index) Has(p string) bool {
	resolved, ok := x.Resolve(p)
	return ok && x.Paths[resolved]
}

// HasFileNamed reports whether a path named base exists anywhere in the
// image, at any depth; it reads the whole index.
func (x *Index) HasFileNamed(base string) bool {
	suffix := "/" + base
	for p := range x.Paths {
		if strings.HasSuffix(p, suffix) {
			return true
		}
	}
	return false
}

// HasUnder reports whether any path exists below dir, following the
// symlinks that lead to dir.
func (x *Index) HasUnder(dir string) bool {
	resolved, ok := x.Resolve(dir)
	if !ok {
		return false
	}
	prefix := strings.TrimSuffix(resolved, "/") + "/"
	for p := range x.Paths {
		if strings.HasPrefix(p, prefix) {
			return true
		}
	}
	return false
}

// file is the JSON form of an Index: sorted, so that it is reproducible.
// Paths lists every path, Execs and Links the executables and symlinks, and
// Other the paths that are none of those nor a regular file: directories,
// and paths of unknown kind. The regular files are the paths left, so that
// the index does not list most paths twice. Without Other (an index written
// before kinds were recorded), no path is known to be a regular file.
type file struct {
	Paths  []string          `json:"paths"`
	Users  map[string]string `json:"users,omitempty"`
	Groups map[string]string `json:"groups,omitempty"`
	Execs  []string          `json:"execs,omitempty"`
	Links  map[string]string `json:"links,omitempty"`
	Other  *[]string         `json:"other,omitempty"`
	// ELF holds the headers of the ELF executables and shared libraries;
	// an index written before they were recorded has none.
	ELF map[string]platform.ELF `json:"elf,omitempty"`
}

// MarshalJSON writes the index with its paths sorted.
func (x *Index) MarshalJSON() ([]byte, error) {
	f := file{Paths: sorted(x.Paths, nil), Users: x.Users, Groups: x.Groups, Execs: sorted(x.Execs, nil), Links: x.Links, ELF: x.ELF}
	other := sorted(x.Paths, func(p string) bool { return !x.Execs[p] && !x.Files[p] && x.Links[p] == "" })
	f.Other = &other
	return json.Marshal(f)
}

// sorted returns the keys of set that keep passes (all, for nil), sorted.
func sorted(set map[string]bool, keep func(string) bool) []string {
	out := make([]string, 0, len(set))
	for p := range set {
		if keep == nil || keep(p) {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}

// UnmarshalJSON reads what MarshalJSON wrote.
func (x *Index) UnmarshalJSON(b []byte) error {
	var f file
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	*x = *New()
	for _, p := range f.Paths {
		x.Paths[p] = true
	}
	for _, p := range f.Execs {
		x.Execs[p] = true
	}
	for k, v := range f.Links {
		x.Links[k] = v
	}
	for k, v := range f.ELF {
		x.ELF[k] = v
	}
	if f.Other != nil {
		other := set(*f.Other)
		for _, p := range f.Paths {
			if !other[p] && !x.Execs[p] && f.Links[p] == "" {
				x.Files[p] = true
			}
		}
	}
	for k, v := range f.Users {
		x.Users[k] = v
	}
	for k, v := range f.Groups {
		x.Groups[k] = v
	}
	return nil
}

// Image is what FromImage reads: an image's layers, bottom first.
type Image interface {
	Layers() ([]v1.Layer, error)
}

// FromImage indexes an image by reading each of its layers: for a base that
// no import indexed (one given to `assembler build` directly).
func FromImage(img Image) (*Index, error) {
	layers, err := img.Layers()
	if err != nil {
		return nil, err
	}
	x := New()
	for n, l := range layers {
		rc, err := l.Uncompressed()
		if err != nil {
			return nil, fmt.Errorf("reading layer %d of %d: %w", n+1, len(layers), err)
		}
		fl, err := ReadLayer(rc)
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("reading layer %d of %d: %w", n+1, len(layers), err)
		}
		x.Apply(fl)
	}
	return x, nil
}
