package cli

import (
	"context"
	"flag"
	"io"

	"github.com/rules-goimage/rules_goimage/tools/assembler/load"
	"github.com/rules-goimage/rules_goimage/tools/assembler/platform"
)

var loadUsage = verbUsage{
	name:     "load",
	synopsis: "(--image FILE | --layout DIR) [--tag NAME:TAG]... [--engine docker|podman] [--platform OS/ARCH]",
	description: `Streams an image into the local container engine's 'load', without a temporary
tarball, named with every tag. Of an image index, the engine's platform is
loaded unless --platform says else; Docker with the containerd image store gets
the whole index when no --platform is given, and knows it by its digest.`,
}

type loadFlags struct {
	input                      imageInput
	tagsFile, engine, platform string
	tags                       stringList
}

func runLoad(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f, fs, err := parseLoadFlags(loadUsage, args, stdout, stderr)
	if err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError(fs, "there are no positional arguments")
	}
	tags, err := tagsOrFile(f.tags, f.tagsFile)
	if err != nil {
		return err
	}
	return f.load(ctx, fs, tags, stdout, stderr)
}

// parseLoadFlags parses the flags that load an image, of the verb u.
func parseLoadFlags(u verbUsage, args []string, stdout, stderr io.Writer) (*loadFlags, *flag.FlagSet, error) {
	f := &loadFlags{}
	fs := newFlagSet(u, stderr)
	f.input.register(fs)
	fs.Var(&f.tags, "tag", "a name for the loaded image, e.g. example.com/app:dev, repeated; given, it replaces --tags-file")
	fs.StringVar(&f.tagsFile, "tags-file", "", "a file with one name a line, used when no --tag is given")
	fs.StringVar(&f.engine, "engine", "docker", "the container engine: docker, podman, or the path of either")
	fs.StringVar(&f.platform, "platform", "", "the platform to load from an image index (default: the engine's)")
	if err := parseFlags(fs, args, stdout); err != nil {
		return nil, nil, err
	}
	if f.input.layout == "" {
		return nil, nil, usageError(fs, "--image or --layout is required")
	}
	return f, fs, nil
}

// load streams the image into the engine, named tags there.
func (f *loadFlags) load(ctx context.Context, fs *flag.FlagSet, tags []string, stdout, stderr io.Writer) error {
	o := load.Options{Engine: f.engine, Tags: tags, Stdout: stdout, Stderr: stderr}
	if f.platform != "" {
		p, err := platform.Parse(f.platform)
		if err != nil {
			return usageError(fs, "--platform: "+err.Error())
		}
		o.Platform = &p
	}
	s, err := f.input.open()
	if err != nil {
		return err
	}
	defer s.Close()
	return load.Load(ctx, s, o)
}
