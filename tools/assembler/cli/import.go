package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/rules-goimage/rules_goimage/tools/assembler/base"
	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/atomicfile"
	"github.com/rules-goimage/rules_goimage/tools/assembler/platform"
	"github.com/rules-goimage/rules_goimage/tools/assembler/store"
)

var importUsage = verbUsage{
	name:     "import",
	synopsis: "--base BASE [--platform OS/ARCH]... [--lazy-layers] --layout DIR [--metadata FILE] [--digest-file FILE]",
	description: `Imports a base image into a new OCI layout directory: the images of the
platforms given (default: every complete image), each blob checked against its
digest, each layer against its media type and the diff_id its config records.
This is where a base enters a build, so the check is made once, here; Bazel's
goimage.pull and goimage.local run it. BASE is what 'assembler build --base'
takes, but scratch. Manifests, configs and layers keep their bytes and digests;
images without a manifest (classic docker save) or with uncompressed layers get
an OCI manifest over gzip-compressed layers.

--lazy-layers imports a registry base without its layers: only what a thin
build reads (manifests and configs) is fetched and checked, and each layer is
read from the registry when something needs its bytes, checked as it is read:
'assembler index-layer', or a push, load or pack given --blobs-from.

--metadata writes what was imported as JSON: the base's digest and name, the
platform and digest of each image, and the blobs written (or, with
--lazy-layers, the layers left in the registry).`,
}

type importFlags struct {
	base, layoutDir, metadata string
	digest                    string
	platforms                 stringList
	followSymlinks, lazy      bool
}

func runImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := &importFlags{}
	fs := newFlagSet(importUsage, stderr)
	fs.StringVar(&f.base, "base", "", "the base image: a layout directory, an image archive or a registry reference pinned by digest (required)")
	fs.Var(&f.platforms, "platform", "a platform to import, os/arch[/variant]; repeated (default: every complete image)")
	fs.StringVar(&f.layoutDir, "layout", "", "the new OCI layout directory to write (required; it must not exist, or be empty)")
	fs.StringVar(&f.metadata, "metadata", "", "a JSON file to write what was imported to")
	fs.StringVar(&f.digest, "digest-file", "", "a file to write the digest of the layout's top image or index to")
	fs.BoolVar(&f.lazy, "lazy-layers", false, "for a registry base: fetch and check its manifests and configs only, and leave its layers in the registry; --metadata lists them as remote_layers, and the verbs that read an image read them from there (--blobs-from)")
	registerFollowSymlinks(fs, &f.followSymlinks)
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	switch {
	case f.base == "" || f.layoutDir == "" || fs.NArg() > 0:
		return usageError(fs, "--base and --layout are required, and there are no positional arguments")
	case f.base == base.Scratch:
		return usageError(fs, "scratch has nothing to import; build on it with 'assembler build --base scratch'")
	}
	wants, err := parsePlatforms(f.platforms)
	if err != nil {
		return usageError(fs, err.Error())
	}
	return importBase(ctx, f, wants, stderr)
}

func parsePlatforms(names []string) ([]v1.Platform, error) {
	out := make([]v1.Platform, 0, len(names))
	for _, n := range names {
		p, err := platform.Parse(n)
		if err != nil {
			return nil, fmt.Errorf("--platform: %w", err)
		}
		out = append(out, p)
	}
	return out, nil
}

func importBase(ctx context.Context, f *importFlags, wants []v1.Platform, stderr io.Writer) error {
	if err := checkPaths([]namedPath{{"--layout", f.layoutDir}, {"--metadata", f.metadata}, {"--digest-file", f.digest}}, []namedPath{{"--base", f.base}}); err != nil {
		return err
	}
	if err := emptyOrMissing(f.layoutDir); err != nil {
		return err
	}
	parent := filepath.Dir(filepath.Clean(f.layoutDir))
	atomicfile.CleanStaleWorkDirs(parent, ".assembler-import-")
	work, err := os.MkdirTemp(parent, atomicfile.WorkDirPrefix(".assembler-import-"))
	if err != nil {
		return fmt.Errorf("writing %s: %w", f.layoutDir, err)
	}
	defer os.RemoveAll(work)
	opts := []base.Option{base.WithWorkDir(work)}
	if f.followSymlinks {
		opts = append(opts, base.WithStoreOptions(store.WithFollowSymlinks()))
	}
	if f.lazy {
		opts = append(opts, base.WithLazyLayers())
	}
	var out atomicfile.Batch
	defer out.Abort()
	var im *base.Imported
	err = out.NewDir(f.layoutDir, func(dir string) error {
		im, err = base.Import(ctx, f.base, wants, dir, opts...)
		return err
	})
	if err != nil {
		return err
	}
	if f.metadata != "" {
		b, err := json.MarshalIndent(im, "", "  ")
		if err != nil {
			return err
		}
		if err := stageBytes(&out, f.metadata, append(b, '\n')); err != nil {
			return err
		}
	}
	if err := stageImportedDigest(&out, f.digest, f.layoutDir, im); err != nil {
		return err
	}
	if err := out.Commit(); err != nil {
		return err
	}
	for _, n := range im.Notes {
		fmt.Fprintf(stderr, "warning: base %s: %s\n", f.base, n)
	}
	for _, i := range im.Images {
		fmt.Fprintf(stderr, "imported %s image %s\n", i.Platform, i.Digest)
	}
	return nil
}

// emptyOrMissing refuses a dir that exists and holds anything: import fills
// a new folder, and would not know what else was there.
func emptyOrMissing(dir string) error {
	entries, err := os.ReadDir(dir)
	switch {
	case os.IsNotExist(err):
		return nil
	case err != nil:
		return fmt.Errorf("--layout %s: %w", dir, err)
	case len(entries) > 0:
		return fmt.Errorf("--layout %s is not empty; import writes a new folder: give a new or empty one", dir)
	}
	return nil
}

// stageImportedDigest writes the digest of what the layout holds at its top:
// the base's own digest when it has one, else the root the layout's
// index.json leads to (one image, or the index written over several).
func stageImportedDigest(out *atomicfile.Batch, file, layoutDir string, im *base.Imported) error {
	if file == "" {
		return nil
	}
	digest := im.Digest
	if digest == "" {
		if len(im.Images) != 1 {
			return fmt.Errorf("--digest-file: the base names no digest of its own and the layout holds %d images", len(im.Images))
		}
		digest = im.Images[0].Digest
	}
	return stageBytes(out, file, []byte(digest+"\n"))
}
