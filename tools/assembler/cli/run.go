package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
)

var runUsage = verbUsage{
	name:     "run",
	synopsis: "(--image FILE | --layout DIR) [--tag NAME:TAG]... [--engine docker|podman] [--platform OS/ARCH] [-- [RUN OPTION]... [-- [ARG]...]]",
	description: `Loads an image as 'load' does, then runs it in a new container, removed when
it stops: '<engine> run --rm'. The words after a first -- are options of the
engine's run (-p 8080:8080, -e KEY=VALUE, -it, ...); the words after a second
-- are the arguments of the image's entrypoint, in place of its cmd. The
container's exit code is the command's.`,
}

// exitCodeError is the exit code of a program the assembler ran for the
// user, whose own output already says why.
type exitCodeError struct{ code int }

func (e exitCodeError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

func runRun(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f, fs, err := parseLoadFlags(runUsage, args, stdout, stderr)
	if err != nil {
		return err
	}
	options, entrypointArgs := splitRunArgs(fs.Args())
	tags, err := tagsOrFile(f.tags, f.tagsFile)
	if err != nil {
		return err
	}
	if len(tags) == 0 {
		return usageError(fs, "the image needs a name to run by: give --tag or --tags-file")
	}
	if err := f.load(ctx, fs, tags, stderr, stderr); err != nil {
		return err
	}
	runArgs := append(append(append([]string{"run", "--rm"}, options...), tags[0]), entrypointArgs...)
	cmd := exec.CommandContext(ctx, f.engine, runArgs...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, stdout, stderr
	err = cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exitCodeError{exit.ExitCode()}
	}
	return err
}

// splitRunArgs splits the words after the flags at the first "--": the
// engine's run options before it, the entrypoint's arguments after.
func splitRunArgs(rest []string) (options, args []string) {
	if i := slices.Index(rest, "--"); i >= 0 {
		return rest[:i], rest[i+1:]
	}
	return rest, nil
}
