package cli

import (
	"context"
	"flag"
	"fmt"
	"io"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/rules-goimage/rules_goimage/tools/assembler/load"
)

type loadFlags struct {
	layout, tagsFile, engine, platform string
	tags                               stringList
}

func runLoad(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f, err := parseLoadFlags(args, stderr)
	if err != nil {
		return err
	}
	tags, err := tagsOrFile(f.tags, f.tagsFile)
	if err != nil {
		return err
	}
	o := load.Options{Engine: f.engine, Tags: tags, Stdout: stdout, Stderr: stderr}
	if f.platform != "" {
		if o.Platform, err = v1.ParsePlatform(f.platform); err != nil {
			return fmt.Errorf("parsing --platform %q: %w", f.platform, err)
		}
	}
	return load.Load(ctx, f.layout, o)
}

func parseLoadFlags(args []string, stderr io.Writer) (*loadFlags, error) {
	f := &loadFlags{}
	fs := flag.NewFlagSet("assembler load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: assembler load --layout <dir> [--tag <name:tag>]... [--engine docker|podman] [--platform os/arch]")
		fmt.Fprintln(stderr, "\nStreams an image into the local container engine's `load`, without a temporary")
		fmt.Fprintln(stderr, "tarball. Of an image index, the engine's platform is loaded unless --platform says else.\n\nFlags:")
		fs.PrintDefaults()
	}
	fs.StringVar(&f.layout, "layout", "", "the OCI layout directory holding the image (required)")
	fs.Var(&f.tags, "tag", "a name for the loaded image, e.g. example.com/app:dev, repeated; given, it replaces --tags-file")
	fs.StringVar(&f.tagsFile, "tags-file", "", "a file with one name a line, used when no --tag is given")
	fs.StringVar(&f.engine, "engine", "docker", "the container engine: docker, podman, or the path of either")
	fs.StringVar(&f.platform, "platform", "", "the platform to load from an image index (default: the engine's)")
	if err := fs.Parse(args); err != nil {
		return nil, errUsage
	}
	if f.layout == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "assembler load: --layout is required, and no arguments other than flags")
		fs.Usage()
		return nil, errUsage
	}
	return f, nil
}
