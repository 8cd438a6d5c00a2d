package sbom

import (
	"fmt"
	"os"
	"runtime/debug"
	"sort"
	"strings"

	"golang.org/x/mod/modfile"
)

// ModulesFromGoMod finds the modules that provide the given packages, by the
// go.mod file at goMod: the main module for its own packages, and the
// required module (with its replacement) with the longest path that is a
// prefix of the package's for the others. It is for binaries whose build
// info lists no modules, such as those rules_go links, whose packages Bazel
// knows. A package no module provides is returned as a module of its own,
// without a version.
func ModulesFromGoMod(goMod string, packages []string) (debug.Module, []*debug.Module, error) {
	data, err := os.ReadFile(goMod)
	if err != nil {
		return debug.Module{}, nil, err
	}
	f, err := modfile.Parse(goMod, data, nil)
	if err != nil {
		return debug.Module{}, nil, err
	}
	if f.Module == nil {
		return debug.Module{}, nil, fmt.Errorf("%s has no module line", goMod)
	}
	main := debug.Module{Path: f.Module.Mod.Path, Version: "(devel)"}
	required := map[string]*debug.Module{}
	for _, r := range f.Require {
		required[r.Mod.Path] = &debug.Module{Path: r.Mod.Path, Version: r.Mod.Version}
	}
	for _, r := range f.Replace {
		if m, ok := required[r.Old.Path]; ok && (r.Old.Version == "" || r.Old.Version == m.Version) {
			m.Replace = &debug.Module{Path: r.New.Path, Version: r.New.Version}
		}
	}
	used := map[string]*debug.Module{}
	for _, pkg := range packages {
		mod := providingModule(pkg, main.Path, required)
		if mod == nil {
			mod = &debug.Module{Path: pkg}
		}
		if mod.Path != main.Path {
			used[mod.Path] = mod
		}
	}
	deps := make([]*debug.Module, 0, len(used))
	for _, m := range used {
		deps = append(deps, m)
	}
	sort.Slice(deps, func(i, j int) bool { return deps[i].Path < deps[j].Path })
	return main, deps, nil
}

// providingModule is the module whose path is the longest prefix of pkg.
func providingModule(pkg, mainPath string, required map[string]*debug.Module) *debug.Module {
	for path := pkg; path != ""; path = parent(path) {
		if path == mainPath {
			return &debug.Module{Path: mainPath}
		}
		if m, ok := required[path]; ok {
			return m
		}
	}
	return nil
}

func parent(path string) string {
	i := strings.LastIndex(path, "/")
	if i < 0 {
		return ""
	}
	return path[:i]
}
