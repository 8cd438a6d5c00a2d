package cli

import (
	"context"
	"io"

	"github.com/rules-goimage/rules_goimage/tools/assembler/inspect"
)

var inspectUsage = verbUsage{
	name:     "inspect",
	synopsis: "IMAGE",
	description: `Prints what an image holds: its names, each platform's image with its config
(entrypoint, cmd, env, workdir, user, labels, ports, stop signal), annotations
and layers with their sizes, and the artifacts (SBOMs) attached to it. IMAGE is
an image tarball, an OCI layout directory or archive, or a docker save tarball.`,
}

func runInspect(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet(inspectUsage, stderr)
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError(fs, "give one image")
	}
	return inspect.Describe(stdout, fs.Arg(0))
}
