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
	synopsis: "(--image FILE | --layout DIR) [--tag NAME:TAG]... [--engine docker|podman] [--containerd ADDRESS] [--namespace NS] [--platform OS/ARCH]",
	description: `Loads an image into the local container engine, named with every tag.

Into containerd, only the blobs its content store lacks are written, through
its API, and an image record per tag is made: Docker with the containerd image
store (its socket found by 'docker info', when reachable from here), or any
containerd given by --containerd (nerdctl's, a kind node's) in --namespace.
Other engines get the whole image streamed into their 'load', without a
temporary tarball, and the reason is printed.

Of an image index, the engine's platform is loaded unless --platform says
else; containerd and Docker with the containerd image store get the whole index
when no --platform is given, and know it by its digest.`,
}

type loadFlags struct {
	input                      imageInput
	tagsFile, engine, platform string
	containerd, namespace      string
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
	fs.StringVar(&f.containerd, "containerd", "", "load into the containerd at this socket, e.g. /run/containerd/containerd.sock, writing only the blobs it lacks; no engine command is used")
	fs.StringVar(&f.namespace, "namespace", "", "the containerd namespace to name the image in (default: \"default\" with --containerd, the engine's with Docker; k8s.io for kind)")
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
	o := load.Options{Engine: f.engine, Containerd: f.containerd, Namespace: f.namespace, Tags: tags, Stdout: stdout, Stderr: stderr}
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
