package main

import (
	"fmt"
	"io"

	"github.com/rules-goimage/rules_goimage/language/goimage/komigrate"
)

// report tells what the migration did or would do, and what is left to
// the user: MODULE.bazel and a Gazelle run. edits[i] is the BUILD file of
// p.Packages[i].
func report(out io.Writer, p *komigrate.Plan, edits []komigrate.Edit, written bool) {
	if len(p.Packages) == 0 {
		fmt.Fprintln(out, "The ko configuration has no base image settings: nothing to migrate.")
		return
	}
	for i, pkg := range p.Packages {
		verb := map[bool]string{true: "set in", false: "to set in"}[written]
		if edits[i].Created {
			verb = map[bool]string{true: "created", false: "to create"}[written]
		}
		fmt.Fprintf(out, "%s %s:\n", verb, edits[i].Path)
		for _, d := range pkg.Directives {
			fmt.Fprintf(out, "    # gazelle:%s %s\n", d.Key, d.Value)
		}
	}
	if snippet := p.ModuleSnippet(); snippet != "" {
		fmt.Fprintf(out, "\nAdd to MODULE.bazel:\n\n%s", snippet)
	}
	fmt.Fprintln(out, "\nThen run Gazelle (bazel run //:gazelle) to write the images.")
}
