package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/atomicfile"
	"github.com/rules-goimage/rules_goimage/tools/assembler/stamp"
)

var stampUsage = verbUsage{
	name:     "stamp",
	synopsis: "--status FILE... --output FILE [--] VALUE...",
	description: `Writes each value on its own line, with {KEY} replaced by the workspace status
value of KEY: a params file that another verb reads as @FILE, or a tags file.
Bazel runs it only for builds with --stamp.`,
}

type stampFlags struct {
	output string
	status stringList
}

// runStamp writes its arguments, with {KEY} placeholders filled from the
// workspace status, one a line.
func runStamp(_ context.Context, args []string, stdout, stderr io.Writer) error {
	f := &stampFlags{}
	fs := newFlagSet(stampUsage, stderr)
	fs.Var(&f.status, "status", "a workspace status file (stable-status.txt, volatile-status.txt), repeated")
	fs.StringVar(&f.output, "output", "", "the file to write (required)")
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	if f.output == "" {
		return usageError(fs, "--output is required")
	}
	status, err := stamp.ReadStatus(f.status...)
	if err != nil {
		return err
	}
	var b strings.Builder
	for _, v := range fs.Args() {
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
