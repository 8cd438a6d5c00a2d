package cli

import (
	"context"
	"fmt"
	"io"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/rules-goimage/rules_goimage/tools/assembler/fsindex"
	"github.com/rules-goimage/rules_goimage/tools/assembler/image"
	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/atomicfile"
	"github.com/rules-goimage/rules_goimage/tools/assembler/output"
	"github.com/rules-goimage/rules_goimage/tools/assembler/store"
)

var indexUsage = verbUsage{
	name:     "index",
	synopsis: "--image LAYOUT... --output TAR [--layout DIR] [--tag NAME]... [flags]",
	description: `Combines images built for one platform each ('assembler build --layout' or
--output) into one OCI image index, in the order given, and writes it like
'assembler build' does. Artifacts attached to the images (their SBOMs) come
along. Prints the index digest as the last line.

The tarball's Docker manifest.json names one image, the first (or the one
--docker-platform selects), since Docker's classic loader reads only
manifest.json and would load every image it lists under the same tags. Engines
that read index.json (Docker 25+ with the containerd image store, podman,
skopeo, crane) see the whole index.`,
}

type indexFlags struct {
	images, tags                                  stringList
	output, layoutDir, thinLayout, dockerPlatform string
	digestFile                                    string
	quiet, thin, followSymlinks                   bool
}

func runIndex(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := &indexFlags{}
	fs := newFlagSet(indexUsage, stderr)
	fs.Var(&f.images, "image", "an image layout directory or image tarball holding one platform's image, repeated")
	fs.Var(&f.tags, "tag", "a name for the index, e.g. example.com/app:v1, repeated")
	fs.StringVar(&f.output, "output", "", "the tarball to write: an OCI layout plus Docker manifest.json")
	fs.StringVar(&f.layoutDir, "layout", "", "an OCI image layout directory to write (a layout there is replaced; any other folder is refused)")
	fs.StringVar(&f.thinLayout, "thin-layout", "", "an OCI image layout directory to write without the layer blobs (see 'assembler build --thin-layout')")
	fs.BoolVar(&f.thin, "thin", false, "the --image layouts are thin ('assembler build --thin-layout'): their layers are not read, and only --thin-layout can be written")
	registerFollowSymlinks(fs, &f.followSymlinks)
	fs.StringVar(&f.digestFile, "digest-file", "", "a file to write the index digest to")
	fs.StringVar(&f.dockerPlatform, "docker-platform", "", "the platform whose image manifest.json names (default: the first image's)")
	fs.BoolVar(&f.quiet, "quiet", false, "do not print the index digest")
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	switch {
	case len(f.images) == 0 || fs.NArg() > 0:
		return usageError(fs, "give the images with --image, and no positional arguments")
	case f.output == "" && f.layoutDir == "" && f.thinLayout == "":
		return usageError(fs, "give --output, --layout or --thin-layout")
	case f.thin && (f.output != "" || f.layoutDir != ""):
		return usageError(fs, "--thin images lack their layers, so only --thin-layout can be written; 'assembler pack' makes the tarball")
	}
	outputs := []namedPath{{"--output", f.output}, {"--layout", f.layoutDir}, {"--thin-layout", f.thinLayout}, {"--digest-file", f.digestFile}}
	var inputs []namedPath
	for _, i := range f.images {
		inputs = append(inputs, namedPath{"--image", i})
	}
	if err := checkPaths(outputs, inputs); err != nil {
		return err
	}
	idx, err := writeIndex(ctx, f)
	if err != nil {
		return err
	}
	return printDigest(stdout, f.quiet, idx)
}

func writeIndex(ctx context.Context, f *indexFlags) (v1.ImageIndex, error) {
	c := output.Content{Tags: f.tags}
	var images []v1.Image
	for _, p := range f.images {
		s, err := store.Open(p, f.storeOptions()...)
		if err != nil {
			return nil, fmt.Errorf("--image %s: %w", p, err)
		}
		defer s.Close()
		img, refs, err := singleImage(s)
		if err != nil {
			return nil, fmt.Errorf("--image %s: %w", p, err)
		}
		images = append(images, img)
		c.Referrers = append(c.Referrers, refs...)
		if err := addFSIndex(&c, s, img); err != nil {
			return nil, fmt.Errorf("--image %s: %w", p, err)
		}
	}
	idx, err := image.Index(images)
	if err != nil {
		return nil, err
	}
	c.Index = idx
	if f.dockerPlatform != "" {
		if c.DockerPlatform, err = v1.ParsePlatform(f.dockerPlatform); err != nil {
			return nil, fmt.Errorf("parsing --docker-platform: %w", err)
		}
	}
	var out atomicfile.Batch
	defer out.Abort()
	if err := stageContent(ctx, &out, f.output, f.layoutDir, f.thinLayout, c); err != nil {
		return nil, err
	}
	if err := stageDigest(&out, f.digestFile, idx); err != nil {
		return nil, err
	}
	return idx, out.Commit()
}

func (f *indexFlags) storeOptions() []store.Option {
	var opts []store.Option
	if f.thin {
		opts = append(opts, store.WithLayersElsewhere())
	}
	if f.followSymlinks {
		opts = append(opts, store.WithFollowSymlinks())
	}
	return opts
}

// singleImage returns the one image of a layout and the artifacts that
// refer to it.
func singleImage(s *store.Store) (v1.Image, []v1.Image, error) {
	root, err := s.Root()
	if err != nil {
		return nil, nil, err
	}
	if root.Index != nil {
		return nil, nil, fmt.Errorf("it holds an image index; give images for one platform each")
	}
	return root.Image, root.Referrers, nil
}

// addFSIndex carries an image's file system index into the index's layout,
// for the checks of images built on one of its platforms.
func addFSIndex(c *output.Content, s *store.Store, img v1.Image) error {
	d, err := img.Digest()
	if err != nil {
		return err
	}
	idx, err := s.FSIndex(d)
	if err != nil || idx == nil {
		return err
	}
	if c.FSIndexes == nil {
		c.FSIndexes = map[v1.Hash]*fsindex.Index{}
	}
	c.FSIndexes[d] = idx
	return nil
}
