package cli

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/rules-goimage/rules_goimage/tools/assembler/layer"
	"github.com/rules-goimage/rules_goimage/tools/assembler/store"
)

// imageInput is an image read from files: a layout directory (or archive),
// and for a thin layout the files of the blobs it leaves out. push, load and
// pack take it the same way.
type imageInput struct {
	layout                  string
	blobs, layers           stringList
	followSymlinks, trusted bool
}

func (in *imageInput) register(fs *flag.FlagSet) {
	fs.StringVar(&in.layout, "layout", "", "the image: an OCI layout directory (or its index.json) or archive (required)")
	fs.Var(&in.blobs, "blob", "a blob the layout leaves out, a file named by its sha256 digest (a base's blobs/sha256/<hex>), or a layout directory whose blobs/sha256/ holds such blobs; repeated")
	fs.Var(&in.layers, "layer", "a layer the layout leaves out, by the descriptor 'assembler layer' wrote; repeated")
	registerFollowSymlinks(fs, &in.followSymlinks)
	fs.BoolVar(&in.trusted, "trusted-blobs", false, "do not hash the blobs as they are read, only count their bytes: they were verified when they entered the build (Bazel's rules set it)")
}

func registerFollowSymlinks(fs *flag.FlagSet, v *bool) {
	fs.BoolVar(v, "follow-symlinks", false, "follow symlinks that lead out of a layout directory (Bazel's sandboxes present inputs as such symlinks); without it they are refused")
}

// options are the store options that read the input.
func (in *imageInput) options() ([]store.Option, error) {
	opts := []store.Option{}
	if in.followSymlinks {
		opts = append(opts, store.WithFollowSymlinks())
	}
	if in.trusted {
		opts = append(opts, store.WithTrustedBlobs())
	}
	files, dirs, err := blobFiles(in.blobs, in.layers)
	if err != nil {
		return nil, err
	}
	if len(files) > 0 {
		opts = append(opts, store.WithBlobFiles(files))
	}
	if len(dirs) > 0 {
		opts = append(opts, store.WithBlobDirs(dirs))
	}
	return opts, nil
}

// open opens the input; it must have been given. --layout may name the
// layout's index.json instead of its folder.
func (in *imageInput) open() (*store.Store, error) {
	opts, err := in.options()
	if err != nil {
		return nil, err
	}
	dir := in.layout
	if filepath.Base(dir) == store.IndexFile {
		dir = filepath.Dir(dir)
	}
	s, err := store.Open(dir, opts...)
	if err != nil {
		return nil, fmt.Errorf("--layout %s: %w", in.layout, err)
	}
	return s, nil
}

// blobFiles maps the digest of each blob to its file: --blob files are
// named by their digest, --layer descriptors tell theirs. --blob folders
// are layouts, whose blobs the store finds by digest.
func blobFiles(blobs, layers []string) (map[v1.Hash]string, []string, error) {
	files := map[v1.Hash]string{}
	var dirs []string
	for _, b := range blobs {
		if fi, err := os.Stat(b); err == nil && fi.IsDir() {
			dirs = append(dirs, b)
			continue
		}
		h, err := v1.NewHash("sha256:" + filepath.Base(b))
		if err != nil {
			return nil, nil, fmt.Errorf("--blob %s: the file is not named by its sha256 digest (64 hex digits), as blobs/sha256/<hex> of a layout are", b)
		}
		files[h] = b
	}
	for _, p := range layers {
		_, d, err := layer.ReadDescriptor(p)
		if err != nil {
			return nil, nil, err
		}
		files[d.Digest] = filepath.Join(filepath.Dir(p), filepath.FromSlash(d.Blob))
	}
	return files, dirs, nil
}

// paths are the files the input reads, for checkPaths.
func (in *imageInput) paths() []namedPath {
	out := []namedPath{{"--layout", in.layout}}
	for _, b := range in.blobs {
		out = append(out, namedPath{"--blob", b})
	}
	for _, l := range in.layers {
		out = append(out, namedPath{"--layer", l})
	}
	return out
}
