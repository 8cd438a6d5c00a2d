package komigrate

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	bzl "github.com/bazelbuild/buildtools/build"
)

// editDependencies writes a go_image for each dependency's main package
// in the BUILD file of the Go module's root folder, where the base
// directive goes too. Gazelle leaves these images alone: their binary is
// in another repository. An image of the same name, or of the same
// binary, is updated; a value the user set that differs stays.
func (c *Changes) editDependencies(repoRoot string, p *Plan) error {
	if len(p.Dependencies) == 0 {
		return nil
	}
	i, found, err := c.fileIn(filepath.Join(repoRoot, filepath.FromSlash(p.ModuleDir)))
	if err != nil {
		return err
	}
	if !found { // the directives create the file; this is a plan without them
		return fmt.Errorf("the Go module's root folder %s has no BUILD file", p.ModuleDir)
	}
	f, err := bzl.ParseBuild(c.Files[i].Path, c.Files[i].Content)
	if err != nil {
		return fmt.Errorf("%s: %w", c.Files[i].Path, err)
	}
	changed := false
	for _, d := range p.Dependencies {
		e := ImageEdit{Path: c.Files[i].Path, For: fmt.Sprintf("baseImageOverrides[%q]", d.Key), Rule: d.Name}
		if _, vendored := dependencyPath(strings.TrimPrefix(d.Key, "ko://")); vendored {
			e.Note = fmt.Sprintf("the key names the vendored copy of %s, which go_deps provides from the module %s", d.ImportPath, d.Module)
		}
		r := findImage(f, d)
		if r == nil {
			r = bzl.NewRule(&bzl.CallExpr{X: &bzl.Ident{Name: "go_image"}, ForceMultiLine: true})
			r.SetAttr("name", &bzl.StringExpr{Value: d.Name})
			f.Stmt = append(f.Stmt, r.Call)
			e.Created, changed = true, true
		}
		e.Rule = r.Name()
		e.Attrs = append(e.Attrs,
			setAttr(r, "binary", &bzl.StringExpr{Value: d.Binary}),
			setAttr(r, "base", &bzl.StringExpr{Value: d.Base.Label()}))
		if len(d.Platforms) > 0 {
			e.Attrs = append(e.Attrs, setAttr(r, "platforms", stringList(d.Platforms).expr()))
		}
		if p.KoPaths {
			e.Attrs = append(e.Attrs, koPathAttrs(r, d.ImportPath)...)
		}
		if e.Created {
			r.SetAttr("visibility", stringList{"//visibility:public"}.expr())
		}
		changed = changed || slices.ContainsFunc(e.Attrs, func(a AttrEdit) bool { return a.State == AttrSet })
		c.Images = append(c.Images, e)
	}
	if changed {
		ensureLoad(f, "@rules_goimage//rules:defs.bzl", "go_image")
		c.Files[i].Content = bzl.Format(f)
	}
	return nil
}

// findImage finds the go_image of a dependency by name or by binary.
func findImage(f *bzl.File, d Dependency) *bzl.Rule {
	for _, r := range f.Rules("go_image") {
		if r.Name() == d.Name || r.AttrString("binary") == d.Binary {
			return r
		}
	}
	return nil
}

// ensureLoad loads symbol from module unless the file has it loaded: after
// the last load, or at the top.
func ensureLoad(f *bzl.File, module, symbol string) {
	at := 0
	for i, stmt := range f.Stmt {
		if l, ok := stmt.(*bzl.LoadStmt); ok {
			for _, to := range l.To {
				if to.Name == symbol {
					return
				}
			}
			at = i + 1
		}
	}
	load := &bzl.LoadStmt{
		Module:       &bzl.StringExpr{Value: module},
		From:         []*bzl.Ident{{Name: symbol}},
		To:           []*bzl.Ident{{Name: symbol}},
		ForceCompact: true,
	}
	f.Stmt = slices.Insert(f.Stmt, at, bzl.Expr(load))
}
