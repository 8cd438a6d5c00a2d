package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/atomicfile"
	"github.com/rules-goimage/rules_goimage/tools/assembler/stamp"
)

type stampFlags struct {
	output string
	status stringList
}

// runStamp writes its arguments, with {KEY} placeholders filled from the
// workspace status, one a line: a params file that another verb reads as
// @file, or a tags file. Bazel runs it only for builds with --stamp.
func runStamp(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f, values, err := parseStampFlags(args, stderr)
	if err != nil {
		return err
	}
	status, err := stamp.ReadStatus(f.status...)
	if err != nil {
		return err
	}
	var b strings.Builder
	for _, v := range values {
		expanded, err := stamp.Expand(v, status)
		if err != nil {
			return err
		}
		if strings.Contains(expanded, "\n") {
			return fmt.Errorf("%q expands to several lines; workspace status values used in names and labels must be one line", v)
		}
		b.WriteString(expanded + "\n")
	}
	return atomicfile.WriteBytes(f.output, []byte(b.String()))
}

func parseStampFlags(args []string, stderr io.Writer) (*stampFlags, []string, error) {
	f := &stampFlags{}
	fs := flag.NewFlagSet("assembler stamp", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: assembler stamp --status <file>... --output <file> [--] <value>...")
		fmt.Fprintln(stderr, "\nWrites each value on its own line, with {KEY} replaced by the workspace status value of KEY.\n\nFlags:")
		fs.PrintDefaults()
	}
	fs.Var(&f.status, "status", "a workspace status file (stable-status.txt, volatile-status.txt), repeated")
	fs.StringVar(&f.output, "output", "", "the file to write (required)")
	if err := fs.Parse(args); err != nil {
		return nil, nil, errUsage
	}
	if f.output == "" {
		fmt.Fprintln(stderr, "assembler stamp: --output is required")
		fs.Usage()
		return nil, nil, errUsage
	}
	return f, fs.Args(), nil
}
