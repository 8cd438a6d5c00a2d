// Package synthrepo writes a synthetic Go monorepo for measuring Gazelle:
// packages in groups of twenty, one in four a command, each library with a
// test, each package importing its neighbour, so that Gazelle generates,
// indexes and resolves as it does in a real repository.
package synthrepo

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// Layout says how big the repository is and whether its BUILD files hold
// goimage directives (only a Gazelle with the goimage language knows them).
type Layout struct {
	Packages   int
	Binaries   int // at most Packages
	Directives bool
}

const (
	groupSize = 20
	prefix    = "example.com/mono"
)

// Write writes the repository into dir, which should be empty.
func Write(dir string, l Layout) error {
	if l.Binaries > l.Packages {
		return fmt.Errorf("a repository of %d packages cannot have %d binaries", l.Packages, l.Binaries)
	}
	files := map[string]string{
		"MODULE.bazel": "module(name = \"mono\")\n\nbazel_dep(name = \"rules_go\", version = \"0.59.0\")\nbazel_dep(name = \"rules_goimage\", version = \"0.0.0\")\n",
		"BUILD.bazel":  RootBuildFile(l),
	}
	every := l.Packages / max(l.Binaries, 1)
	for i := range l.Packages {
		isCommand := l.Binaries > 0 && i%every == every-1 && i/every < l.Binaries
		addPackage(files, i, isCommand)
	}
	addGroupBuildFiles(files, l)
	for rel, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return fmt.Errorf("writing the synthetic repository: %w", err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			return fmt.Errorf("writing the synthetic repository: %w", err)
		}
	}
	return nil
}

// RootBuildFile is the root BUILD.bazel of the repository, which a
// benchmark restores before each run that starts without BUILD files.
func RootBuildFile(l Layout) string {
	s := "# gazelle:prefix " + prefix + "\n"
	if l.Directives {
		s += "# gazelle:goimage_base @distroless_static//:image\n# gazelle:goimage_user 65532:65532\n"
	}
	return s
}

// packageDir is the folder of package i: g<group>/p<index>.
func packageDir(i int) string {
	return fmt.Sprintf("g%03d/p%04d", i/groupSize, i)
}

// addPackage adds the Go files of package i; it imports package i-1.
func addPackage(files map[string]string, i int, isCommand bool) {
	dir := packageDir(i)
	imports := ""
	use := ""
	if i > 0 {
		imports = fmt.Sprintf("import dep %q\n\n", path.Join(prefix, packageDir(i-1)))
		use = "\t_ = dep.Name\n"
	}
	if isCommand {
		files[dir+"/main.go"] = "package main\n\n" + imports + "func main() {\n" + use + "}\n"
		return
	}
	pkg := path.Base(dir)
	files[dir+"/lib.go"] = "package " + pkg + "\n\n" + imports + "// Name names the package.\nconst Name = \"" + pkg + "\"\n\nfunc use() {\n" + use + "}\n"
	files[dir+"/util.go"] = "package " + pkg + "\n\nimport \"strings\"\n\nfunc upper() string { return strings.ToUpper(Name) }\n"
	files[dir+"/lib_test.go"] = "package " + pkg + "\n\nimport \"testing\"\n\nfunc TestName(t *testing.T) {\n\tif upper() == \"\" {\n\t\tt.Fail()\n\t}\n}\n"
}

// addGroupBuildFiles gives every fourth group a BUILD file, with goimage
// directives when the layout has them, so that the extension configures
// directories as it does in a real repository. Without directives the
// files hold comments of the same length: Gazelle reads as many files in
// both cases.
func addGroupBuildFiles(files map[string]string, l Layout) {
	content := "# gazelle:goimage_platforms linux/amd64 linux/arm64\n" +
		"# gazelle:goimage_repository registry.example.com/mono/{package}\n# gazelle:goimage_tags latest\n"
	if !l.Directives {
		content = strings.Repeat("#", len(content)/3-1) + "\n"
		content = content + content + content
	}
	for g := 0; g*groupSize < l.Packages; g += 4 {
		files[fmt.Sprintf("g%03d/BUILD.bazel", g)] = content
	}
}

// RemovePackageBuildFiles removes the BUILD files of the packages, so that
// the next Gazelle run writes them anew.
func RemovePackageBuildFiles(dir string, l Layout) error {
	for i := range l.Packages {
		err := os.Remove(filepath.Join(dir, filepath.FromSlash(packageDir(i)), "BUILD.bazel"))
		if err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("resetting the synthetic repository: %w", err)
		}
	}
	return nil
}
