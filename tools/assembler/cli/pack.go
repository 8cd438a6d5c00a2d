package cli

import (
	"context"
	"io"

	"github.com/rules-goimage/rules_goimage/tools/assembler/build"
	"github.com/rules-goimage/rules_goimage/tools/assembler/output"
)

var packUsage = verbUsage{
	name:     "pack",
	synopsis: "(--image FILE | --layout DIR [--blob FILE]... [--layer JSON]...) [--output TAR] [--output-layout DIR]",
	description: `Packs an image into one tarball that is an OCI layout and a Docker archive at
once (--output), and/or a complete OCI layout directory (--output-layout), as
'assembler build' writes them. The image is a layout, complete or thin ('build
--thin-layout'), whose missing blobs are given as files: --blob for blobs named
by their digest, --layer for layers by their descriptors. Every blob is copied
once, checked against its digest as it goes.`,
}

type packFlags struct {
	input                imageInput
	output, outputLayout string
}

func runPack(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := &packFlags{}
	fs := newFlagSet(packUsage, stderr)
	f.input.register(fs)
	fs.StringVar(&f.output, "output", "", "the tarball to write: an OCI layout plus Docker manifest.json")
	fs.StringVar(&f.outputLayout, "output-layout", "", "a complete OCI layout directory to write")
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	switch {
	case f.input.layout == "" || fs.NArg() > 0:
		return usageError(fs, "--image or --layout is required, and there are no positional arguments")
	case f.output == "" && f.outputLayout == "":
		return usageError(fs, "give --output or --output-layout (or both)")
	}
	if err := checkPaths([]namedPath{{"--output", f.output}, {"--output-layout", f.outputLayout}}, f.input.paths()); err != nil {
		return err
	}
	s, err := f.input.open()
	if err != nil {
		return err
	}
	defer s.Close()
	root, err := s.Root()
	if err != nil {
		return err
	}
	c := output.Content{Image: root.Image, Index: root.Index, Tags: root.Names, Referrers: root.Referrers}
	return build.Outputs{Tarball: f.output, Layout: f.outputLayout}.Write(ctx, c)
}
