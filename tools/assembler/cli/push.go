package cli

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/atomicfile"
	"github.com/rules-goimage/rules_goimage/tools/assembler/push"
)

type pushFlags struct {
	layout, repository, tagsFile, mountFrom, digestFile string
	insecure                                            bool
	tags                                                stringList
}

func runPush(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f, err := parsePushFlags(args, stderr)
	if err != nil {
		return err
	}
	tags, err := tagsOrFile(f.tags, f.tagsFile)
	if err != nil {
		return err
	}
	ref, err := push.Push(ctx, f.layout, push.Options{
		Repository: f.repository,
		Tags:       tags,
		MountFrom:  f.mountFrom,
		Insecure:   f.insecure,
		Progress:   stderr,
	})
	if err != nil {
		return err
	}
	if f.digestFile != "" {
		if err := atomicfile.WriteBytes(f.digestFile, []byte(ref.DigestStr()+"\n")); err != nil {
			return fmt.Errorf("writing --digest-file: %w", err)
		}
	}
	fmt.Fprintln(stdout, ref.String())
	return nil
}

func parsePushFlags(args []string, stderr io.Writer) (*pushFlags, error) {
	f := &pushFlags{}
	fs := flag.NewFlagSet("assembler push", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: assembler push --layout <dir> --repository <registry/repo> [--tag <tag>]...")
		fmt.Fprintln(stderr, "\nPushes an image or image index to a registry, uploading only the blobs it lacks,")
		fmt.Fprintln(stderr, "then the artifacts attached to it in the layout (SBOMs), and prints the pushed")
		fmt.Fprintln(stderr, "reference, registry/repo@sha256:...")
		fmt.Fprintln(stderr, "Credentials come from docker config.json ($DOCKER_CONFIG) and its credential helpers.\n\nFlags:")
		fs.PrintDefaults()
	}
	fs.StringVar(&f.layout, "layout", "", "the OCI layout directory holding the image (required)")
	fs.StringVar(&f.repository, "repository", "", "the repository to push to, e.g. registry.example.com/team/app; the last one given wins")
	fs.Var(&f.tags, "tag", "a tag to push, e.g. v1.2.3, repeated; given, it replaces the tags of --tags-file")
	fs.StringVar(&f.tagsFile, "tags-file", "", "a file with one tag a line, used when no --tag is given")
	fs.StringVar(&f.mountFrom, "mount-from", "", "a repository of the same registry holding the base image, whose blobs are mounted instead of uploaded")
	fs.StringVar(&f.digestFile, "digest-file", "", "a file to write the pushed digest to")
	fs.BoolVar(&f.insecure, "insecure", false, "allow plain HTTP to a registry other than localhost")
	if err := fs.Parse(args); err != nil {
		return nil, errUsage
	}
	if f.layout == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "assembler push: --layout is required, and no arguments other than flags")
		fs.Usage()
		return nil, errUsage
	}
	return f, nil
}
