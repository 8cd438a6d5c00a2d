package komigrate

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	bzl "github.com/bazelbuild/buildtools/build"
	"github.com/bazelbuild/buildtools/edit/bzlmod"
	"github.com/google/go-containerregistry/pkg/name"
)

// ModuleEdit is what the migration does to MODULE.bazel: a goimage.pull
// per base, through the goimage extension the file uses already or a new
// one, their repositories in use_repo, and the go_deps repositories of
// the dependencies' images.
type ModuleEdit struct {
	Edit
	Pulls   []PullEdit
	GoDeps  []string // the go_deps repositories the images use, all in use_repo
	Problem string   // why GoDeps are not added: the file has no go_deps
}

// PullEdit says what the migration does with the goimage.pull of a base.
type PullEdit struct {
	Base  Base
	State AttrState
	Kept  string // with AttrKept, the image the file's goimage.pull of that name has
}

const (
	goimageExtension = "@rules_goimage//rules:extensions.bzl"
	goDepsExtension  = "@gazelle//:extensions.bzl"
)

// editModule merges the plan's bases into the MODULE.bazel at the
// repository root. A goimage.pull of the same name stays as the file has
// it. Without a MODULE.bazel it returns nil: the report prints the
// snippet instead.
func editModule(repoRoot string, p *Plan) (*ModuleEdit, error) {
	path := filepath.Join(repoRoot, "MODULE.bazel")
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("reading MODULE.bazel: %w", err)
	}
	f, err := bzl.ParseModule(path, data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	m := &ModuleEdit{Edit: Edit{Path: path, Content: data, Original: data}}
	proxies := bzlmod.Proxies(f, goimageExtension, "goimage", false)
	if len(proxies) == 0 {
		// A dev_dependency use is one still: declaring another breaks the file.
		proxies = bzlmod.Proxies(f, goimageExtension, "goimage", true)
	}
	if len(proxies) == 0 {
		proxies = []string{"goimage"}
		f.Stmt = append(f.Stmt, parseStmts(fmt.Sprintf("goimage = use_extension(%q, \"goimage\")\n", goimageExtension))...)
	}
	existing := pulls(f, proxies)
	var names []string
	for _, b := range p.Bases {
		pe := PullEdit{Base: b}
		if own, ok := existing[b.Name]; ok {
			if !samePull(own, b) {
				pe.State, pe.Kept = AttrKept, own
			} else {
				pe.State = AttrAlreadySet
			}
		} else {
			f.Stmt = insertAfterLastUse(f, proxies, parseStmts(pullCall(proxies[0], b)))
		}
		m.Pulls = append(m.Pulls, pe)
		names = append(names, b.Name)
	}
	f = addUseRepo(f, proxies, names)
	for _, d := range p.Dependencies {
		if !slices.Contains(m.GoDeps, d.Repo) {
			m.GoDeps = append(m.GoDeps, d.Repo)
		}
	}
	if len(m.GoDeps) > 0 {
		if goDeps := bzlmod.Proxies(f, goDepsExtension, "go_deps", false); len(goDeps) > 0 {
			f = addUseRepo(f, goDeps, m.GoDeps)
		} else {
			m.Problem = "MODULE.bazel has no go_deps extension, which makes the repositories of the modules go.mod requires: " +
				"add go_deps = use_extension(\"@gazelle//:extensions.bzl\", \"go_deps\") and go_deps.from_file(go_mod = \"//:go.mod\")"
		}
	}
	if formatted := bzl.FormatWithoutRewriting(f); !sameSyntax(formatted, data) {
		m.Content = formatted
	}
	return m, nil
}

// samePull reports whether the image of a goimage.pull in the file, with
// "@digest" when it has one, is the base: the same repository, and the
// same digest when both have one. A pin the file has is the user's.
func samePull(own string, b Base) bool {
	image, digest, _ := strings.Cut(own, "@")
	if i := strings.LastIndex(image, ":"); i > strings.LastIndex(image, "/") {
		image = image[:i]
	}
	if n, err := name.NewRepository(image); err == nil {
		image = n.Name()
	}
	return image == b.Image && (b.Digest == "" || digest == "" || digest == b.Digest)
}

// pulls maps the names of the goimage.pull and goimage.local tags in the
// file to their image, with "@digest" when they have one.
func pulls(f *bzl.File, proxies []string) map[string]string {
	found := map[string]string{}
	for _, stmt := range f.Stmt {
		call, ok := stmt.(*bzl.CallExpr)
		if !ok {
			continue
		}
		dot, ok := call.X.(*bzl.DotExpr)
		if !ok {
			continue
		}
		if x, ok := dot.X.(*bzl.Ident); !ok || !slices.Contains(proxies, x.Name) {
			continue
		}
		r := bzl.NewRule(call)
		image := r.AttrString("image")
		if dot.Name != "pull" {
			image = "goimage." + dot.Name
		} else if d := r.AttrString("digest"); d != "" {
			image += "@" + d
		}
		found[r.AttrString("name")] = image
	}
	return found
}

// insertAfterLastUse puts stmts after the last statement that uses one of
// the proxies, or at the end.
func insertAfterLastUse(f *bzl.File, proxies []string, stmts []bzl.Expr) []bzl.Expr {
	at := len(f.Stmt)
	for i, stmt := range f.Stmt {
		uses := false
		bzl.Walk(stmt, func(x bzl.Expr, _ []bzl.Expr) {
			if id, ok := x.(*bzl.Ident); ok && slices.Contains(proxies, id.Name) {
				uses = true
			}
		})
		if call, ok := stmt.(*bzl.CallExpr); uses && !(ok && isCall(call, "use_repo")) {
			at = i + 1
		}
	}
	return slices.Insert(f.Stmt, at, stmts...)
}

func isCall(call *bzl.CallExpr, name string) bool {
	id, ok := call.X.(*bzl.Ident)
	return ok && id.Name == name
}

// addUseRepo adds repos to the use_repo of the proxies, or to a new one.
func addUseRepo(f *bzl.File, proxies, repos []string) *bzl.File {
	useRepos := bzlmod.UseRepos(f, proxies)
	if len(useRepos) == 0 {
		var useRepo *bzl.CallExpr
		f, useRepo = bzlmod.NewUseRepo(f, proxies)
		useRepos = []*bzl.CallExpr{useRepo}
	}
	bzlmod.AddRepoUsages(useRepos, repos...)
	return f
}

func parseStmts(text string) []bzl.Expr {
	f, err := bzl.ParseModule("", []byte(text))
	if err != nil {
		panic(fmt.Sprintf("parsing %q: %v", text, err)) // the migration's own text
	}
	return f.Stmt
}

// sameSyntax reports whether formatting changed nothing but layout: the
// file is left as its author wrote it unless the migration adds to it.
func sameSyntax(formatted, original []byte) bool {
	f, err := bzl.ParseModule("", original)
	return err == nil && string(bzl.FormatWithoutRewriting(f)) == string(formatted)
}
