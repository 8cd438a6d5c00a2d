package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/rules-goimage/rules_goimage/tools/assembler/store"
)

// imageFile is the file that hands an image from the Bazel rules to the
// assembler: each image rule writes one (image.json), naming the image's
// layout and the files of the blobs the layout leaves out.
//
// Each file is named twice, as an action sees it (path, from the exec root)
// and as `bazel run` does (short_path, in the runfiles tree of the
// workspace), since the same file is read in both; the image file names
// itself so, which tells where the others are:
//
//	{"workspace": "_main",
//	 "self": {"path": "bazel-out/k8-fastbuild/bin/app/_image/image.json", "short_path": "app/_image/image.json"},
//	 "layout": {"path": ..., "short_path": ...},
//	 "blobs": [...], "layers": [...], "remote": "registry.example.com/base"}
//
// blobs are files named by their sha256 digest or layout directories
// holding them (--blob), layers are the descriptors 'assembler layer' wrote
// (--layer), and remote is the registry repository of the base's blobs
// that no file holds (--blobs-from): a base pulled without its layers.
type imageFile struct {
	Workspace string      `json:"workspace"`
	Self      bazelFile   `json:"self"`
	Layout    bazelFile   `json:"layout"`
	Blobs     []bazelFile `json:"blobs"`
	Layers    []bazelFile `json:"layers"`
	Remote    string      `json:"remote,omitempty"`
	// Label names the image in messages: the module extension's
	// declaration of a base, or the target that made the image.
	Label string `json:"label,omitempty"`
}

// bazelFile is a File of Bazel's, by its path and its short path.
type bazelFile struct {
	Path      string `json:"path"`
	ShortPath string `json:"short_path"`
}

// runfilesPath is where the file is in a runfiles tree.
func (f bazelFile) runfilesPath(workspace string) string {
	if rest, ok := strings.CutPrefix(f.ShortPath, "../"); ok {
		return rest
	}
	return workspace + "/" + f.ShortPath
}

// isImageFile tells an image file from the layouts and tarballs that the
// same flags take: by its name, a .json file other than a layout's
// index.json.
func isImageFile(p string) bool {
	return filepath.Ext(p) == ".json" && filepath.Base(p) != "index.json"
}

// readImageFile reads the image file at p into the input it describes.
func readImageFile(p string) (*imageInput, error) {
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, fmt.Errorf("reading the image file: %w", err)
	}
	var f imageFile
	d := json.NewDecoder(bytes.NewReader(data))
	d.DisallowUnknownFields()
	if err := d.Decode(&f); err != nil {
		return nil, fmt.Errorf("%s is not an image file of the Bazel rules: %w", p, err)
	}
	where, err := f.locator(p)
	if err != nil {
		return nil, err
	}
	// Its blobs were verified where they entered the build (a base's by its
	// import, a layer's by the action that wrote it), and Bazel's sandboxes
	// present them as symlinks.
	in := &imageInput{layout: where(f.Layout), followSymlinks: true, trusted: true, blobsFrom: f.Remote, label: f.Label}
	for _, b := range f.Blobs {
		in.blobs = append(in.blobs, where(b))
	}
	for _, l := range f.Layers {
		in.layers = append(in.layers, where(l))
	}
	return in, nil
}

// locator finds the image file's files from where it is, p: in the exec
// root of an action, or in a runfiles tree. Both are told lexically, since
// a runfiles tree holds symlinks to files elsewhere.
func (f *imageFile) locator(p string) (func(bazelFile) string, error) {
	p = filepath.ToSlash(filepath.Clean(p))
	if root, ok := below(p, f.Self.Path); ok {
		return func(b bazelFile) string { return filepath.FromSlash(root + b.Path) }, nil
	}
	if root, ok := below(p, f.Self.runfilesPath(f.Workspace)); ok {
		return func(b bazelFile) string { return filepath.FromSlash(root + b.runfilesPath(f.Workspace)) }, nil
	}
	return nil, fmt.Errorf("image file %s is not where Bazel wrote it (%s, or %s in a runfiles tree), and the paths it holds are from there", p, f.Self.Path, f.Self.runfilesPath(f.Workspace))
}

// below returns the folder that p is rel in, with a trailing slash (empty
// for the current one), when p ends with rel.
func below(p, rel string) (string, bool) {
	if p == rel {
		return "", true
	}
	if rel != "" && strings.HasSuffix(p, "/"+rel) {
		return strings.TrimSuffix(p, rel), true
	}
	return "", false
}

const imageFileUsage = "the image, by the image.json a Bazel rule wrote for it: its layout and the files of the blobs the layout leaves out " +
	"(--layout, --blob and --layer in one; its blobs are trusted and symlinks followed, as Bazel's rules need)"

// imageFileFlag is --image: it reads the image file into the input at once.
type imageFileFlag struct{ in *imageInput }

func (f imageFileFlag) String() string { return "" }

func (f imageFileFlag) Set(p string) error {
	read, err := readImageFile(p)
	if err != nil {
		return err
	}
	*f.in = *read
	return nil
}

// openImagePath opens the image that a flag names by path: an image file
// (imageFile), or else a layout directory or archive; opts read it. Unless
// withBlobs, the image file's blobs are left out: a reader of manifests and
// configs alone (a thin index, a thin build's base) has only the layout.
func openImagePath(p string, withBlobs bool, opts ...store.Option) (*store.Store, error) {
	if !isImageFile(p) {
		return store.Open(p, opts...)
	}
	in, err := readImageFile(p)
	if err != nil {
		return nil, err
	}
	if !withBlobs {
		in.blobs, in.layers = nil, nil
	}
	return in.open(opts...)
}

// baseImagePath turns a --base that names an image file into the layout
// it names, with the store options that read its blobs (withBlobs, see
// openImagePath); other bases stay as they are.
func baseImagePath(base string, withBlobs bool) (string, string, []store.Option, error) {
	if !isImageFile(base) {
		return base, "", nil, nil
	}
	in, err := readImageFile(base)
	if err != nil {
		return "", "", nil, err
	}
	if !withBlobs {
		in.blobs, in.layers = nil, nil
	}
	opts, err := in.options()
	return in.layoutDir(), in.label, opts, err
}
