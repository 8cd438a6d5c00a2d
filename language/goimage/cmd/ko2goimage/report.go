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
	for _, v := range p.FromEnv {
		fmt.Fprintf(out, "from the environment, over the ko configuration, as ko reads it: %s\n", v)
	}
	reportDirectives(out, p, c.Files, written)
	reportBuilds(out, p, c.Builds, written)
	reportImages(out, c.Images, written)
	for _, k := range p.Ignored {
		fmt.Fprintf(out, "not carried: %s (line %d): %s\n", k.Key, k.Line, k.Why)
	}
	reportPaths(out, p)
	if c.Module != nil {
		reportModule(out, c.Module, written)
	} else if snippet := p.ModuleSnippet(); snippet != "" {
		fmt.Fprintf(out, "\nThe repository has no MODULE.bazel; add to it:\n\n%s", snippet)
	}
	fmt.Fprintln(out, "\nThen run Gazelle (bazel run //:gazelle) to write the images.")
}

// changed says what a migration did or would do with a file or value.
func changed(written bool) string { return map[bool]string{true: "set", false: "to set"}[written] }

// reportDirectives lists the directives per BUILD file; files[i] is the
// BUILD file of p.Packages[i].
func reportDirectives(out io.Writer, p *komigrate.Plan, files []komigrate.Edit, written bool) {
	for i, pkg := range p.Packages {
		verb := changed(written) + " in"
		switch {
		case files[i].Created:
			verb = map[bool]string{true: "created", false: "to create"}[written]
		case !files[i].Changed():
			verb = "already set in"
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
		reportAttrs(out, "go_binary", e.Attrs, written)
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

func reportAttrs(out io.Writer, kind string, attrs []komigrate.AttrEdit, written bool) {
	for _, a := range attrs {
		switch a.State {
		case komigrate.AttrSet:
			fmt.Fprintf(out, "    %s %s = %s\n", changed(written), a.Name, a.Value)
		case komigrate.AttrAlreadySet:
			fmt.Fprintf(out, "    already set %s = %s\n", a.Name, a.Value)
		case komigrate.AttrKept:
			fmt.Fprintf(out, "    kept %s = %s, as the %s has it; ko has %s\n", a.Name, a.Kept, kind, a.Value)
		}
	}
}

// reportImages says what the go_image rules got: capabilities, ko's
// paths, the images of dependencies.
func reportImages(out io.Writer, edits []komigrate.ImageEdit, written bool) {
	for _, e := range edits {
		what := e.For
		if what != "" {
			what += ": "
		}
		switch {
		case e.Problem != "":
			fmt.Fprintf(out, "%snot carried: %s: %s\n", what, e.Path, e.Problem)
			continue
		case e.Created:
			fmt.Fprintf(out, "%s%s go_image %q in %s:\n", what, map[bool]string{true: "created", false: "to create"}[written], e.Rule, e.Path)
		default:
			fmt.Fprintf(out, "%sgo_image %q in %s:\n", what, e.Rule, e.Path)
		}
		if e.Note != "" {
			fmt.Fprintf(out, "    %s\n", e.Note)
		}
		reportAttrs(out, "go_image", e.Attrs, written)
	}
}

// reportPaths says where ko put binaries and data, and where the images
// put them.
func reportPaths(out io.Writer, p *komigrate.Plan) {
	if p.KoPaths {
		fmt.Fprintln(out, "\nThe images keep ko's paths (-ko_paths): the binary at /ko-app/<name>, the data at /var/run/ko. "+
			"Unlike ko, go_image does not add /ko-app to PATH, and sets KO_DATA_PATH only when the image has data.")
		return
	}
	fmt.Fprintln(out, "\nThe paths in the images change: ko put each binary at /ko-app/<name> and the kodata files at /var/run/ko "+
		"(KO_DATA_PATH=/var/run/ko); go_image puts the binary at /app/<binary> and the data at /app/data (KO_DATA_PATH=/app/data, "+
		"set when the image has data). To keep ko's paths, run ko2goimage again with -ko_paths.")
}

// reportModule says what MODULE.bazel gets.
func reportModule(out io.Writer, m *komigrate.ModuleEdit, written bool) {
	verb := changed(written) + " in"
	if !m.Changed() {
		verb = "already set in"
	}
	fmt.Fprintf(out, "\n%s %s:\n", verb, m.Path)
	for _, pe := range m.Pulls {
		switch pe.State {
		case komigrate.AttrSet:
			fmt.Fprintf(out, "    %s goimage.pull(name = %q) of %s\n", changed(written), pe.Base.Name, pe.Base.Image)
		case komigrate.AttrAlreadySet:
			fmt.Fprintf(out, "    already set goimage.pull(name = %q)\n", pe.Base.Name)
		case komigrate.AttrKept:
			fmt.Fprintf(out, "    kept goimage.pull(name = %q) of %s, as MODULE.bazel has it; ko used %s\n", pe.Base.Name, pe.Kept, pe.Base.Image)
		}
		if pe.Base.KoDefault {
			fmt.Fprintln(out, "        ko's default base: the ko configuration names none")
		}
		if pe.State != komigrate.AttrKept && pe.Base.Digest == "" {
			fmt.Fprintf(out, "        not pinned: the digest to pin prints with %s%s:%s\n", komigrate.DigestCommand, pe.Base.Image, pe.Base.Tag)
		}
	}
	if len(m.GoDeps) > 0 && m.Problem == "" {
		fmt.Fprintf(out, "    use_repo(go_deps, %s): the repositories of the dependencies' go_binary rules\n", quoted(m.GoDeps))
	}
	if m.Problem != "" {
		fmt.Fprintf(out, "    not carried: use_repo(go_deps, %s): %s\n", quoted(m.GoDeps), m.Problem)
	}
}

func quoted(s []string) string {
	q := make([]string, len(s))
	for i, v := range s {
		q[i] = fmt.Sprintf("%q", v)
	}
	return strings.Join(q, ", ")
}
