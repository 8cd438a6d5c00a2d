// Command assembler builds OCI images for Go binaries: it stacks the binary's
// layer onto a base image and writes reproducible OCI output. Bazel actions run
// it, and it works as a plain command line tool too; see "assembler --help".
package main

import (
	"context"
	"os"
	"os/signal"

	"github.com/rules-goimage/rules_goimage/tools/assembler/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := cli.Run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
