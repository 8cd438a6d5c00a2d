package cli

import (
	"context"
	"fmt"
	"io"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/rules-goimage/rules_goimage/tools/assembler/build"
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
	f, err := parseIndexArgs(args, stdout, stderr)
	if err != nil {
		return err
	}
	outputs := []namedPath{{"--output", f.output}, {"--layout", f.layoutDir}, {"--thin-layout", f.thinLayout}, {"--digest-file", f.digestFile}}
	var inputs []namedPath
	for _, i := range f.images {
		inputs = append(inputs, namedPath{"--image", i})
	}
	if err := checkPaths(outputs, inputs); err != nil {
		return err
	}
	r, err := f.request()
	if err != nil {
		return err
	}
	idx, err := build.Index(ctx, r)
	if err != nil {
		return err
	}
	return printDigest(stdout, f.quiet, idx)
}

func parseIndexArgs(args []string, stdout, stderr io.Writer) (*indexFlags, error) {
	f := &indexFlags{}
	fs := newFlagSet(indexUsage, stderr)
	fs.Var(&f.images, "image", "one platform's image: an image layout directory or image tarball, or the image.json a Bazel rule wrote for it; repeated")
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
		return nil, err
	}
	switch {
	case len(f.images) == 0 || fs.NArg() > 0:
		return nil, usageError(fs, "give the images with --image, and no positional arguments")
	case f.output == "" && f.layoutDir == "" && f.thinLayout == "":
		return nil, usageError(fs, "give --output, --layout or --thin-layout")
	case f.thin && (f.output != "" || f.layoutDir != ""):
		return nil, usageError(fs, "--thin images lack their layers, so only --thin-layout can be written; 'assembler pack' makes the tarball")
	}
	return f, nil
}

// request is the index the flags ask for.
func (f *indexFlags) request() (*build.IndexRequest, error) {
	r := &build.IndexRequest{
		Images: f.images, Tags: f.tags, Thin: f.thin, FollowSymlinks: f.followSymlinks,
		// A thin index reads only its images' layouts, never their blobs.
		Open:    func(p string, opts ...store.Option) (*store.Store, error) { return openImagePath(p, !f.thin, opts...) },
		Outputs: build.Outputs{Tarball: f.output, Layout: f.layoutDir, ThinLayout: f.thinLayout, DigestFile: f.digestFile},
	}
	if f.dockerPlatform != "" {
		p, err := v1.ParsePlatform(f.dockerPlatform)
		if err != nil {
			return nil, fmt.Errorf("parsing --docker-platform: %w", err)
		}
		r.DockerPlatform = p
	}
	return r, nil
}
