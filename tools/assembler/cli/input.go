package cli

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/rules-goimage/rules_goimage/tools/assembler/layer"
	"github.com/rules-goimage/rules_goimage/tools/assembler/registry"
	"github.com/rules-goimage/rules_goimage/tools/assembler/store"
)

// imageInput is an image read from files: a layout directory (or archive),
// and for a thin layout the files of the blobs it leaves out. push, load and
// pack take it the same way.
type imageInput struct {
	layout                  string
	blobs, layers           stringList
	followSymlinks, trusted bool
	// blobsFrom is the registry repository of the blobs no file holds.
	blobsFrom string
	// label names the image in messages; empty: its path.
	label string
}

func (in *imageInput) register(fs *flag.FlagSet) {
	fs.Var(imageFileFlag{in}, "image", imageFileUsage)
	fs.StringVar(&in.layout, "layout", "", "the image: an OCI layout directory (or its index.json) or archive (this or --image is required)")
	fs.Var(&in.blobs, "blob", "a blob the layout leaves out, a file named by its sha256 digest (a base's blobs/sha256/<hex>), or a layout directory whose blobs/sha256/ holds such blobs; repeated")
	fs.Var(&in.layers, "layer", "a layer the layout leaves out, by the descriptor 'assembler layer' wrote; repeated")
	fs.StringVar(&in.blobsFrom, "blobs-from", "", "a registry repository that holds the blobs no file holds, read from there as they are needed: a base imported with --lazy-layers")
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
	if in.blobsFrom != "" {
		src, err := remoteBlobs(in.blobsFrom)
		if err != nil {
			return nil, err
		}
		opts = append(opts, store.WithRemoteBlobs(src))
	}
	return opts, nil
}

// remoteBlobs reads the blobs of the registry repository repo.
func remoteBlobs(repo string) (store.BlobSource, error) {
	r, err := name.NewRepository(repo)
	if err != nil {
		return nil, fmt.Errorf("--blobs-from %q is not a repository such as registry.example.com/base/static: %w", repo, err)
	}
	// Reads run as their verb reads the image; a signal ends the process.
	return registry.NewBlobs(r, registry.RemoteOptions(context.Background(), registry.Options{}, nil)), nil
}

// open opens the input, with further options; it must have been given.
func (in *imageInput) open(extra ...store.Option) (*store.Store, error) {
	opts, err := in.options()
	if err != nil {
		return nil, err
	}
	s, err := store.Open(in.layoutDir(), append(opts, extra...)...)
	if err != nil {
		return nil, fmt.Errorf("--layout %s: %w", in.layout, err)
	}
	return s, nil
}

// layoutDir is the layout's folder: --layout may name its index.json.
func (in *imageInput) layoutDir() string {
	if filepath.Base(in.layout) == store.IndexFile {
		return filepath.Dir(in.layout)
	}
	return in.layout
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
