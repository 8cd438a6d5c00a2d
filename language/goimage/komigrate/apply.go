package komigrate

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	bzl "github.com/bazelbuild/buildtools/build"
)

// buildFileNames are the names a package's BUILD file may have, in the
// order Bazel prefers them.
var buildFileNames = []string{"BUILD.bazel", "BUILD"}

// Edit is the new content of one BUILD file.
type Edit struct {
	Path     string // absolute
	Content  []byte
	Original []byte // the file as it is; nil when Created
	Created  bool
}

// Changed says whether writing the edit changes the file.
func (e Edit) Changed() bool { return e.Created || !bytes.Equal(e.Content, e.Original) }

// Changes is what a migration does to the BUILD files and MODULE.bazel.
type Changes struct {
	// Files[i] is the BUILD file of Plan.Packages[i], changed or not; the
	// other files the migration changes follow.
	Files  []Edit
	Builds []BuildEdit // Builds[i] is what Plan.Builds[i] does to its go_binary
	Images []ImageEdit // what the migration does to go_image rules
	Module *ModuleEdit // MODULE.bazel; nil when the repository has none
}

// Edits computes the BUILD files of the plan's packages under repoRoot with
// the directives set: a directive already in a file gets the new value in
// place, a new one goes at the top of the file. A package without a BUILD
// file gets a BUILD.bazel holding just the directives, which Gazelle fills.
// Then it sets the attributes of each build on the go_binary of its main
// package. Nothing is written: an error in one file leaves every file as
// it was.
func Edits(repoRoot string, p *Plan) (*Changes, error) {
	c := &Changes{}
	for _, pkg := range p.Packages {
		e, err := editBuildFile(filepath.Join(repoRoot, filepath.FromSlash(pkg.Dir)), pkg.Directives)
		if err != nil {
			return nil, err
		}
		c.Files = append(c.Files, e)
	}
	for i := range p.Builds {
		if err := c.editBuild(repoRoot, &p.Builds[i]); err != nil {
			return nil, err
		}
	}
	if err := c.editImages(repoRoot, p); err != nil {
		return nil, err
	}
	if err := c.editDependencies(repoRoot, p); err != nil {
		return nil, err
	}
	var err error
	if c.Module, err = editModule(repoRoot, p); err != nil {
		return nil, err
	}
	// Only the files of the plan's packages are listed unchanged.
	c.Files = append(c.Files[:len(p.Packages)], slices.DeleteFunc(c.Files[len(p.Packages):], func(e Edit) bool { return !e.Changed() })...)
	return c, nil
}

// fileIn returns the index in c.Files of the BUILD file of the package
// folder dir, reading it first when no edit has it yet. found is false
// when the folder has no BUILD file.
func (c *Changes) fileIn(dir string) (i int, found bool, err error) {
	if i := slices.IndexFunc(c.Files, func(e Edit) bool { return filepath.Dir(e.Path) == dir }); i >= 0 {
		return i, true, nil
	}
	e, found, err := readBuildFile(dir)
	if err != nil || !found {
		return -1, found, err
	}
	c.Files = append(c.Files, e)
	return len(c.Files) - 1, true, nil
}

// editBuild sets a build's attributes on the go_binary in the BUILD file
// of its main package, as the directives left it.
func (c *Changes) editBuild(repoRoot string, b *Build) error {
	dir, err := mainFolder(repoRoot, b)
	if err != nil {
		return err
	}
	if !b.hasAttrs() {
		c.Builds = append(c.Builds, BuildEdit{Build: b})
		return nil
	}
	i, found, err := c.fileIn(dir)
	if err != nil {
		return err
	}
	if !found {
		c.Builds = append(c.Builds, BuildEdit{Build: b, Path: filepath.Join(dir, buildFileNames[0]), Problem: "the package has no BUILD file; run Gazelle first (bazel run //:gazelle), then ko2goimage again"})
		return nil
	}
	content, be, err := editGoBinary(c.Files[i].Path, c.Files[i].Content, b)
	if err != nil {
		return err
	}
	c.Builds = append(c.Builds, be)
	c.Files[i].Content = content
	return nil
}

// readBuildFile reads the BUILD file of the package folder dir; without
// one, the Edit would create BUILD.bazel.
func readBuildFile(dir string) (Edit, bool, error) {
	for _, n := range buildFileNames {
		data, err := os.ReadFile(filepath.Join(dir, n))
		if err == nil {
			return Edit{Path: filepath.Join(dir, n), Content: data, Original: data}, true, nil
		}
		if !os.IsNotExist(err) {
			return Edit{}, false, fmt.Errorf("reading the BUILD file: %w", err)
		}
	}
	return Edit{Path: filepath.Join(dir, buildFileNames[0]), Created: true}, false, nil
}

func editBuildFile(dir string, directives []Directive) (Edit, error) {
	e, _, err := readBuildFile(dir)
	if err != nil {
		return Edit{}, err
	}
	if e.Created {
		if info, err := os.Stat(dir); err != nil || !info.IsDir() {
			return Edit{}, fmt.Errorf("package folder %s: not found; is the Go module path right?", dir)
		}
	}
	for _, d := range directives {
		e.Content = setDirective(e.Content, d)
	}
	if _, err := bzl.ParseBuild(e.Path, e.Content); err != nil {
		return Edit{}, fmt.Errorf("%s: the file would not parse after the edit: %w", e.Path, err)
	}
	return e, nil
}

// setDirective replaces the line of the directive in content, or puts one
// at the top.
func setDirective(content []byte, d Directive) []byte {
	line := "# gazelle:" + d.Key + " " + d.Value
	existing := regexp.MustCompile(`(?m)^#\s*gazelle:` + regexp.QuoteMeta(d.Key) + `(\s.*)?$`)
	if existing.Match(content) {
		return existing.ReplaceAllLiteral(content, []byte(line))
	}
	if len(content) == 0 {
		return []byte(line + "\n")
	}
	if !strings.HasPrefix(string(content), "# gazelle:") {
		line += "\n"
	}
	return append([]byte(line+"\n"), content...)
}

// Write writes the edits, each file through a temporary file renamed into
// place, so that no BUILD file is ever half-written.
func Write(edits []Edit) error {
	for _, e := range edits {
		if !e.Changed() {
			continue
		}
		tmp := e.Path + ".ko2goimage.tmp"
		if err := os.WriteFile(tmp, e.Content, 0o644); err != nil {
			return fmt.Errorf("writing %s: %w", e.Path, err)
		}
		if err := os.Rename(tmp, e.Path); err != nil {
			os.Remove(tmp)
			return fmt.Errorf("writing %s: %w", e.Path, err)
		}
	}
	return nil
}
