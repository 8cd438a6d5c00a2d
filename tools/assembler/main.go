// Command assembler builds OCI images for Go binaries: it stacks the binary's
// layer onto a base image and writes reproducible OCI output. Bazel actions run
// it, and it works as a plain command line tool too; see "assembler --help".
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/rules-goimage/rules_goimage/tools/assembler/cli"
)

func main() {
	// Ctrl-C and kill stop a run between two reads; deferred clean-ups then
	// remove its temporary files.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
