package platform

import (
	"fmt"
	"strings"
)

// StarlarkFile is where the Bazel rules read the platform table, relative to
// the repository root.
const StarlarkFile = "rules/private/platforms_table.bzl"

// Starlark renders the platform table as the Starlark file the rules load:
// each image platform and the rules_go platform its binary is built for.
func Starlark() string {
	var b strings.Builder
	b.WriteString(`"""The image platforms rules_goimage builds for. Generated from tools/assembler/platform; do not edit.

Regenerate with: go run ./tools/assembler/platform/gen
"""

# Image platform ("os/arch[/variant]") to the rules_go platform that builds its binary.
RULES_GO_PLATFORMS = {
`)
	for _, t := range targets {
		fmt.Fprintf(&b, "    %q: %q,\n", t.Image, t.RulesGo)
	}
	b.WriteString("}\n")
	return b.String()
}
