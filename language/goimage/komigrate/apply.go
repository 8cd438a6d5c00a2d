package komigrate

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	bzl "github.com/bazelbuild/buildtools/build"
)

// buildFileNames are the names a package's BUILD file may have, in the
// order Bazel prefers them.
var buildFileNames = []string{"BUILD.bazel", "BUILD"}

// Edit is the new content of one BUILD file.
type Edit struct {
	Path    string // absolute
	Content []byte
	Created bool
}

// Edits computes the BUILD files of the plan's packages under repoRoot with
// the directives set: a directive already in a file gets the new value in
// place, a new one goes at the top of the file. A package without a BUILD
// file gets a BUILD.bazel holding just the directives, which Gazelle fills.
// Nothing is written: an error in one file leaves every file as it was.
func Edits(repoRoot string, p *Plan) ([]Edit, error) {
	var edits []Edit
	for _, pkg := range p.Packages {
		e, err := editBuildFile(filepath.Join(repoRoot, filepath.FromSlash(pkg.Dir)), pkg.Directives)
		if err != nil {
			return nil, err
		}
		edits = append(edits, e)
	}
	return edits, nil
}

func editBuildFile(dir string, directives []Directive) (Edit, error) {
	e := Edit{Path: filepath.Join(dir, buildFileNames[0]), Created: true}
	for _, n := range buildFileNames {
		data, err := os.ReadFile(filepath.Join(dir, n))
		if err == nil {
			e = Edit{Path: filepath.Join(dir, n), Content: data}
			break
		}
		if !os.IsNotExist(err) {
			return Edit{}, fmt.Errorf("reading the BUILD file: %w", err)
		}
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
