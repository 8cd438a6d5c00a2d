package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/atomicfile"
	"github.com/rules-goimage/rules_goimage/tools/assembler/release"
	"github.com/rules-goimage/rules_goimage/tools/assembler/store"
)

var releaseUsage = verbUsage{
	name:     "release",
	synopsis: "--manifest FILE [--refs-file FILE] [--refs-text FILE] [--jobs N] [flags]",
	description: `Pushes every image of a release manifest (what a goimage_release writes), a few
at a time. Blobs that several repositories of one registry need are sent once
and mounted into the others. Prints a line per image as it finishes and a
summary; when an image fails the others are still pushed, and the exit code is
1. --refs-file records what was pushed for the deploy step. With --sign-key or
--signer-command every image is signed as 'assembler push' signs it. Relative
paths are taken from the folder 'bazel run' was called in.`,
}

type releaseFlags struct {
	manifest, refsFile, refsText string
	jobs                         int
	insecure                     bool
	tags                         stringList
	sign                         signFlags
}

func runRelease(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := &releaseFlags{}
	fs := newFlagSet(releaseUsage, stderr)
	fs.StringVar(&f.manifest, "manifest", "", "the release manifest: the images, their files and repositories (required)")
	fs.StringVar(&f.refsFile, "refs-file", "", "a JSON file to write every image's outcome to: label, repository, pushed, reference by digest or error")
	fs.StringVar(&f.refsText, "refs-text", "", "a text file to write a line 'LABEL REGISTRY/REPO@sha256:...' per pushed image to")
	fs.IntVar(&f.jobs, "jobs", release.DefaultJobs, "how many images to push at a time")
	fs.Var(&f.tags, "tag", "a tag to push every image with, repeated; given, it replaces the manifest's tags")
	fs.BoolVar(&f.insecure, "insecure", false, "allow plain HTTP to registries other than localhost")
	f.sign.register(fs)
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	if f.manifest == "" || fs.NArg() > 0 || f.jobs < 1 {
		return usageError(fs, "--manifest is required, --jobs is at least 1, and there are no positional arguments")
	}
	if msg := f.sign.check(); msg != "" {
		return usageError(fs, msg)
	}
	signer, err := f.sign.signer(stderr)
	if err != nil {
		return err
	}
	m, err := release.ReadManifest(fromWorkingDir(f.manifest))
	if err != nil {
		return err
	}
	targets, err := releaseTargets(m, f.tags)
	if err != nil {
		return err
	}
	results, _ := release.Run(ctx, targets, release.Options{Jobs: f.jobs, Insecure: f.insecure, Progress: stderr, Signer: signer})
	release.Summary(stdout, results)
	if err := writeRefs(f, results); err != nil {
		return err
	}
	return releaseError(results)
}

// releaseTargets turns the manifest's images into targets, reading the
// repository and tags files the rules wrote (stamped, maybe).
func releaseTargets(m *release.Manifest, tagOverride []string) ([]release.Target, error) {
	var out []release.Target
	for _, im := range m.Images {
		repository, err := valueOrFile(im.Repository, im.RepositoryFile, "the repository_file of "+im.Label)
		if err != nil {
			return nil, err
		}
		tags := im.Tags
		if len(tagOverride) > 0 {
			tags = tagOverride
		} else if len(tags) == 0 {
			if tags, err = tagsOrFile(nil, im.TagsFile); err != nil {
				return nil, fmt.Errorf("%s: %w", im.Label, err)
			}
		}
		image := im.Image
		out = append(out, release.Target{
			Label:      im.Label,
			Repository: repository,
			Tags:       tags,
			MountFrom:  im.MountFrom,
			Open:       func() (*store.Store, error) { return openImagePath(image, true) },
		})
	}
	return out, nil
}

// writeRefs writes the refs files asked for, whatever the outcome: they
// say which images were pushed. Both are written, or neither.
func writeRefs(f *releaseFlags, results []release.Result) error {
	var out atomicfile.Batch
	defer out.Abort()
	if f.refsFile != "" {
		if err := stageBytes(&out, fromWorkingDir(f.refsFile), release.RefsJSON(results)); err != nil {
			return fmt.Errorf("writing --refs-file: %w", err)
		}
	}
	if f.refsText != "" {
		if err := stageBytes(&out, fromWorkingDir(f.refsText), release.RefsText(results)); err != nil {
			return fmt.Errorf("writing --refs-text: %w", err)
		}
	}
	return out.Commit()
}

func releaseError(results []release.Result) error {
	var failed []string
	for _, r := range results {
		if !r.Pushed() {
			failed = append(failed, r.Target.Label+" to "+r.Target.Repository)
		}
	}
	switch len(failed) {
	case 0:
		return nil
	case 1:
		return fmt.Errorf("the release is incomplete: %s failed (see above); the others were pushed, and running the release again pushes only what is missing", failed[0])
	}
	return fmt.Errorf("the release is incomplete: %d of %d images failed (see above); the others were pushed, and running the release again pushes only what is missing", len(failed), len(results))
}
