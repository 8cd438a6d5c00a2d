// Command gen writes rules/private/platforms_table.bzl from the platform
// table. Run it from the repository root after changing the table:
//
//	go run ./tools/assembler/platform/gen
package main

import (
	"fmt"
	"os"

	"github.com/rules-goimage/rules_goimage/tools/assembler/platform"
)

func main() {
	if err := os.WriteFile(platform.StarlarkFile, []byte(platform.Starlark()), 0o644); err != nil {
		fmt.Fprintf(os.Stderr, "gen: %v (run it from the repository root)\n", err)
		os.Exit(1)
	}
}
