// Package cli implements the assembler command line: one file per verb.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
)

// errUsage reports a command line that could not be understood; the usage
// text has already been printed.
var errUsage = errors.New("usage error")

// command is one verb of the assembler.
type command struct {
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

var commands = map[string]command{
	"build":       {summary: "build an image from a base, a Go binary and prebuilt layers", run: runBuild},
	"import":      {summary: "import a base image into a verified OCI layout directory", run: runImport},
	"index":       {summary: "combine per-platform images into one multi-platform image", run: runIndex},
	"index-layer": {summary: "index the files of one layer of an image, for the checks of the images built on it", run: runIndexLayer},
	"inspect":     {summary: "print the platforms, layers and config of an image", run: runInspect},
	"layer":       {summary: "write one layer blob (files, directories, symlinks) and its descriptor", run: runLayer},
	"load":        {summary: "stream an image into docker or podman", run: runLoad},
	"pack":        {summary: "pack an image and the blobs it refers to into a tarball or a complete layout", run: runPack},
	"push":        {summary: "push an image or index to a registry", run: runPush},
	"release":     {summary: "push a set of images, sharing blobs across repositories, and record their references", run: runRelease},
	"run":         {summary: "load an image into docker or podman and run it", run: runRun},
	"resolve":     {summary: "rewrite image references in YAML files to references by digest", run: runResolve},
	"stamp":       {summary: "fill workspace status values into names and labels", run: runStamp},
}

// Run executes the assembler with args (without the program name) and
// returns the process exit code.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	err := dispatch(ctx, args, stdout, stderr)
	var exit exitCodeError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	case errors.As(err, &exit):
		return exit.code
	default:
		fmt.Fprintf(stderr, "assembler: %v\n", err)
		return 1
	}
}

func dispatch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	args, err := expandParams(args)
	if err != nil {
		return err
	}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		printUsage(stdout)
		if len(args) == 0 {
			return errUsage
		}
		return nil
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "assembler: unknown command %q\n\n", args[0])
		printUsage(stderr)
		return errUsage
	}
	return cmd.run(ctx, args[1:], stdout, stderr)
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "assembler builds OCI images for Go binaries, reproducibly and without a container daemon.")
	fmt.Fprintln(w, "\nUsage:\n  assembler <command> [flags]\n\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'assembler <command> --help' for a command's flags.")
}
