// Command gen writes the Starlark files that the Bazel rules read from the
// assembler's Go code, so that each fact has one owner:
//
//   - rules/private/platforms_table.bzl: the supported image platforms
//     (package platform);
//   - rules/private/checks_table.bzl: the image checks that read the base's
//     files (package check);
//   - rules/private/repositories/assembler_deps.bzl and assembler_repos.star:
//     the Go modules the assembler and ko2goimage are built from (version and
//     go.sum hash), which the goimage_tools extension makes repositories of,
//     apart from the go_deps graph of the module that uses rules_goimage.
//
// Run it from the repository root after changing either:
//
//	go run ./tools/assembler/gen
//
// A test fails when a checked-in file is not what it writes.
package main

import (
	"fmt"
	"os"
)

func main() {
	files, err := Files()
	if err == nil {
		for path, content := range files {
			if err = os.WriteFile(path, []byte(content), 0o644); err != nil {
				break
			}
		}
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "gen: %v (run it from the repository root)\n", err)
		os.Exit(1)
	}
}
