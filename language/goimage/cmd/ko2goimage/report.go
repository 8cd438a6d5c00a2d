package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/rules-goimage/rules_goimage/language/goimage/komigrate"
)

// report tells what the migration did or would do, and what is left to
// the user: MODULE.bazel, the workspace status script and a Gazelle run.
func report(out io.Writer, p *komigrate.Plan, c *komigrate.Changes, written bool) {
	if len(p.Packages) == 0 && len(p.Builds) == 0 {
		fmt.Fprintln(out, "The ko configuration has no base image settings and no builds: nothing to migrate.")
		return
	}
	reportDirectives(out, p, c.Files, written)
	reportBuilds(out, p, c.Builds, written)
	if snippet := p.ModuleSnippet(); snippet != "" {
		fmt.Fprintf(out, "\nAdd to MODULE.bazel:\n\n%s", snippet)
	}
	fmt.Fprintln(out, "\nThen run Gazelle (bazel run //:gazelle) to write the images.")
}

// reportDirectives lists the directives per BUILD file; files[i] is the
// BUILD file of p.Packages[i].
func reportDirectives(out io.Writer, p *komigrate.Plan, files []komigrate.Edit, written bool) {
	for i, pkg := range p.Packages {
		verb := map[bool]string{true: "set in", false: "to set in"}[written]
		if files[i].Created {
			verb = map[bool]string{true: "created", false: "to create"}[written]
		}
		fmt.Fprintf(out, "%s %s:\n", verb, files[i].Path)
		for _, d := range pkg.Directives {
			fmt.Fprintf(out, "    # gazelle:%s %s\n", d.Key, d.Value)
		}
	}
}

// reportBuilds says, per ko build, what its go_binary got and what could
// not be carried, with why.
func reportBuilds(out io.Writer, p *komigrate.Plan, edits []komigrate.BuildEdit, written bool) {
	for _, e := range edits {
		switch {
		case e.Problem != "":
			fmt.Fprintf(out, "ko build %s: not carried: %s: %s\n", e.Build.ID, e.Path, e.Problem)
		case e.Rule != "":
			fmt.Fprintf(out, "ko build %s: go_binary %q in %s:\n", e.Build.ID, e.Rule, e.Path)
		case len(e.Build.Notes) > 0:
			fmt.Fprintf(out, "ko build %s:\n", e.Build.ID)
		default:
			fmt.Fprintf(out, "ko build %s: nothing to carry\n", e.Build.ID)
		}
		for _, a := range e.Attrs {
			switch a.State {
			case komigrate.AttrSet:
				fmt.Fprintf(out, "    %s %s = %s\n", map[bool]string{true: "set", false: "to set"}[written], a.Name, a.Value)
			case komigrate.AttrAlreadySet:
				fmt.Fprintf(out, "    already set %s = %s\n", a.Name, a.Value)
			case komigrate.AttrKept:
				fmt.Fprintf(out, "    kept %s = %s, as the go_binary has it; ko has %s\n", a.Name, a.Kept, a.Value)
			}
		}
		for _, n := range e.Build.Notes {
			fmt.Fprintf(out, "    %s %s: %s\n", map[bool]string{true: "nothing to carry:", false: "not carried:"}[n.Same], n.Setting, n.Why)
		}
	}
	reportStatusKeys(out, p.StatusKeys())
	if len(p.Defaults) > 0 && len(p.Builds) > 0 {
		fmt.Fprintf(out, "\n%s apply to every binary ko builds; they are carried to the builds listed under builds. "+
			"List any other binary ko builds there to carry them to it too.\n", strings.Join(p.Defaults, ", "))
	} else if len(p.Defaults) > 0 {
		fmt.Fprintf(out, "\n%s: not carried: they apply to the binaries ko builds, and the ko configuration lists none under builds. "+
			"List them there to carry these settings to their go_binary rules.\n", strings.Join(p.Defaults, ", "))
	}
}

// reportStatusKeys prints what the workspace status script must print for
// the x_defs that read status keys.
func reportStatusKeys(out io.Writer, keys []komigrate.StatusKey) {
	if len(keys) == 0 {
		return
	}
	fmt.Fprintln(out, "\nThe x_defs read workspace status keys, which Bazel fills only when building with --stamp;")
	fmt.Fprintln(out, "without it, those variables keep their values from the source.")
	var script []string
	for _, k := range keys {
		if k.Script == "" {
			fmt.Fprintf(out, "%s is Bazel's own.\n", k.Key)
		} else {
			script = append(script, fmt.Sprintf("echo \"%s $(%s)\"", k.Key, k.Script))
		}
	}
	if len(script) > 0 {
		fmt.Fprintln(out, "Give Bazel a --workspace_status_command script (in .bazelrc) that prints them as ko computed them:")
		fmt.Fprintf(out, "\n    #!/usr/bin/env bash\n    %s\n", strings.Join(script, "\n    "))
	}
}
