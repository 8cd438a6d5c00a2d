package komigrate

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	bzl "github.com/bazelbuild/buildtools/build"
)

// ImageEdit is what the migration does to one go_image: the capabilities
// of a ko build, ko's paths with Plan.KoPaths, or the whole image of a
// dependency's main package.
type ImageEdit struct {
	Path    string // the BUILD file
	Rule    string // the go_image's name; "" with a Problem
	For     string // what asks for it: "ko build api", "baseImageOverrides[...]"; "" for ko's paths alone
	Created bool   // the migration writes the go_image
	Problem string // why nothing is carried: the package has no go_image yet
	Note    string // how the migration read ko's setting, when it is not as written
	Attrs   []AttrEdit
}

// editImages sets the capabilities of each ko build on the go_image of its
// go_binary and, with Plan.KoPaths, ko's paths on every go_image of the Go
// module's packages: ko builds every main package it is asked for, and
// puts each at /ko-app.
func (c *Changes) editImages(repoRoot string, p *Plan) error {
	caps := map[string]*Build{}
	var dirs []string
	for i := range p.Builds {
		if b := &p.Builds[i]; len(b.Capabilities) > 0 {
			dir, err := mainFolder(repoRoot, b)
			if err != nil {
				return err
			}
			caps[dir] = b
			dirs = append(dirs, dir)
		}
	}
	if p.KoPaths {
		found, err := packageFolders(filepath.Join(repoRoot, filepath.FromSlash(p.ModuleDir)))
		if err != nil {
			return err
		}
		dirs = append(dirs, found...)
	}
	slices.Sort(dirs)
	for _, dir := range slices.Compact(dirs) {
		if err := c.editImagesIn(repoRoot, dir, caps[dir], p); err != nil {
			return err
		}
	}
	return nil
}

func (c *Changes) editImagesIn(repoRoot, dir string, b *Build, p *Plan) error {
	problem := func(path, why string) {
		if b != nil {
			c.Images = append(c.Images, ImageEdit{Path: path, For: "ko build " + b.ID, Problem: why})
		}
	}
	i, found, err := c.fileIn(dir)
	if err != nil {
		return err
	}
	if !found {
		problem(filepath.Join(dir, buildFileNames[0]), "the package has no BUILD file; run Gazelle first (bazel run //:gazelle), then ko2goimage again")
		return nil
	}
	f, err := bzl.ParseBuild(c.Files[i].Path, c.Files[i].Content)
	if err != nil {
		return fmt.Errorf("%s: %w", c.Files[i].Path, err)
	}
	rel, _ := filepath.Rel(repoRoot, dir)
	rel = strings.TrimPrefix(filepath.ToSlash(rel), ".")
	images := localImages(f, rel)
	if len(images) == 0 {
		problem(c.Files[i].Path, "the package has no go_image; run Gazelle (bazel run //:gazelle), then ko2goimage again")
		return nil
	}
	changed := false
	for _, r := range images {
		e := ImageEdit{Path: c.Files[i].Path, Rule: r.Name()}
		if b != nil {
			e.For = "ko build " + b.ID
			e.Attrs = append(e.Attrs, setAttr(r, "capabilities", stringList(b.Capabilities).expr()))
		}
		if p.KoPaths {
			e.Attrs = append(e.Attrs, koPathAttrs(r, importPathOf(rel, p.ModulePath, p.ModuleDir))...)
		}
		changed = changed || slices.ContainsFunc(e.Attrs, func(a AttrEdit) bool { return a.State == AttrSet })
		c.Images = append(c.Images, e)
	}
	if changed {
		c.Files[i].Content = bzl.Format(f)
	}
	return nil
}

// koPathAttrs sets ko's paths: the binary at /ko-app/<name>, the data at
// /var/run/ko, which go_image also sets KO_DATA_PATH to.
func koPathAttrs(r *bzl.Rule, importPath string) []AttrEdit {
	return []AttrEdit{
		setAttr(r, "binary_path", &bzl.StringExpr{Value: koAppPath(importPath)}),
		setAttr(r, "data_path", &bzl.StringExpr{Value: koDataPath}),
	}
}

// localImages are the go_image rules of a BUILD file whose binary is in
// the same package: those of its go_binary rules.
func localImages(f *bzl.File, rel string) []*bzl.Rule {
	var images []*bzl.Rule
	for _, r := range f.Rules("go_image") {
		bin := r.AttrString("binary")
		if strings.HasPrefix(bin, ":") || strings.HasPrefix(bin, "//"+rel+":") {
			images = append(images, r)
		}
	}
	return images
}

// importPathOf is the import path of the package in the repository folder
// rel, below the Go module's folder.
func importPathOf(rel, modulePath, moduleDir string) string {
	if moduleDir != "" {
		rel = strings.TrimPrefix(strings.TrimPrefix(rel, moduleDir), "/")
	}
	return path.Join(modulePath, rel)
}

// mainFolder is the folder of a build's main package.
func mainFolder(repoRoot string, b *Build) (string, error) {
	dir := filepath.Join(repoRoot, filepath.FromSlash(b.Dir))
	info, err := os.Stat(dir)
	if err != nil {
		return "", fmt.Errorf("ko build %s: main package folder %s: not found", b.ID, dir)
	}
	if info.Mode().IsRegular() {
		// As in ko, main may name the source file of the main function.
		dir = filepath.Dir(dir)
	}
	return dir, nil
}

// packageFolders are the folders below root with a BUILD file, but those
// Bazel and Gazelle skip: hidden ones and Bazel's output links.
func packageFolders(root string) ([]string, error) {
	var dirs []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && p != root && strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir
		}
		if !d.IsDir() && slices.Contains(buildFileNames, d.Name()) && !slices.Contains(dirs, filepath.Dir(p)) {
			dirs = append(dirs, filepath.Dir(p))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("finding the go_image rules for ko's paths: %w", err)
	}
	return dirs, nil
}

func (l stringList) expr() *bzl.ListExpr {
	list := &bzl.ListExpr{}
	for _, v := range l {
		list.List = append(list.List, &bzl.StringExpr{Value: v})
	}
	return list
}
