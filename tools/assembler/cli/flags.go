package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// errHelp reports that usage was asked for and printed.
var errHelp = errors.New("help requested")

// verbUsage is the help text of a verb: how to call it and what it does.
type verbUsage struct {
	name, synopsis, description string
}

// newFlagSet makes the flag set of a verb, printing its usage on errors.
func newFlagSet(u verbUsage, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("assembler "+u.name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { printVerbUsage(fs, u) }
	return fs
}

func printVerbUsage(fs *flag.FlagSet, u verbUsage) {
	w := fs.Output()
	fmt.Fprintf(w, "Usage: assembler %s %s\n\n%s\n\nFlags:\n", u.name, u.synopsis, strings.TrimSpace(u.description))
	fs.PrintDefaults()
}

// parseFlags parses args; -h/--help prints the usage to stdout.
func parseFlags(fs *flag.FlagSet, args []string, stdout io.Writer) error {
	for _, a := range args {
		if a == "--" {
			break
		}
		if a == "-h" || a == "-help" || a == "--help" {
			fs.SetOutput(stdout)
			fs.Usage()
			return errHelp
		}
	}
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	return nil
}

// usageError prints msg and the usage of fs, and returns errUsage.
func usageError(fs *flag.FlagSet, msg string) error {
	fmt.Fprintf(fs.Output(), "%s: %s\n\n", fs.Name(), msg)
	fs.Usage()
	return errUsage
}

// stringList is a flag that may be repeated.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

// keyValues is a repeated KEY=VALUE flag, kept as a map.
type keyValues map[string]string

func (m keyValues) String() string { return fmt.Sprint(map[string]string(m)) }

func (m keyValues) Set(v string) error {
	k, val, ok := strings.Cut(v, "=")
	if !ok || k == "" {
		return fmt.Errorf("%q is not KEY=VALUE", v)
	}
	m[k] = val
	return nil
}

// epochFlag registers --source-date-epoch, whose default comes from the
// SOURCE_DATE_EPOCH environment variable (https://reproducible-builds.org).
func epochFlag(fs *flag.FlagSet) *int64 {
	def := int64(0)
	if v, err := strconv.ParseInt(os.Getenv("SOURCE_DATE_EPOCH"), 10, 64); err == nil {
		def = v
	}
	return fs.Int64("source-date-epoch", def, "the time of every timestamp, in seconds since 1970 (default: $SOURCE_DATE_EPOCH, else 0)")
}

func epochTime(sec int64) time.Time { return time.Unix(sec, 0).UTC() }

// fromWorkingDir resolves a relative path against the folder `bazel run`
// was called in ($BUILD_WORKING_DIRECTORY), not the runfiles tree it runs in.
func fromWorkingDir(p string) string {
	if wd := os.Getenv("BUILD_WORKING_DIRECTORY"); wd != "" && p != "" && !filepath.IsAbs(p) {
		return filepath.Join(wd, p)
	}
	return p
}
