package sbom

import (
	"fmt"
	"os"
	"runtime/debug"
	"strings"

	"golang.org/x/mod/modfile"
)

// goMod is what a go.mod says about the modules of a build: the main
// module, the versions it requires and their replacements. It speaks only
// for the root module: the versions a build links may be higher (minimal
// version selection over every go.mod of the build) or overridden, so it is
// a last resort for modules whose linked version nothing else records.
type goMod struct {
	main     string
	required map[string]*debug.Module
}

func readGoMod(path string) (*goMod, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	f, err := modfile.Parse(path, data, nil)
	if err != nil {
		return nil, err
	}
	if f.Module == nil {
		return nil, fmt.Errorf("%s has no module line", path)
	}
	g := &goMod{main: f.Module.Mod.Path, required: map[string]*debug.Module{}}
	for _, r := range f.Require {
		g.required[r.Mod.Path] = &debug.Module{Path: r.Mod.Path, Version: r.Mod.Version}
	}
	for _, r := range f.Replace {
		if m, ok := g.required[r.Old.Path]; ok && (r.Old.Version == "" || r.Old.Version == m.Version) {
			m.Replace = &debug.Module{Path: r.New.Path, Version: r.New.Version}
		}
	}
	return g, nil
}

// providing is the module whose path is the longest prefix of pkg: the main
// module, or a required one; nil when there is none.
func (g *goMod) providing(pkg string) *debug.Module {
	for path := pkg; path != ""; path = parent(path) {
		if path == g.main {
			return &debug.Module{Path: g.main}
		}
		if m, ok := g.required[path]; ok {
			return m
		}
	}
	return nil
}

// replaced is the module at path as the go.mod describes it when its
// replacement is the code at version, which is what was linked; else nil.
func (g *goMod) replaced(path, version string) *debug.Module {
	m, ok := g.required[path]
	if !ok || m.Replace == nil || m.Replace.Version != version {
		return nil
	}
	return m
}

func parent(path string) string {
	i := strings.LastIndex(path, "/")
	if i < 0 {
		return ""
	}
	return path[:i]
}
