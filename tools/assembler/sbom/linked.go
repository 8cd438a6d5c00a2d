package sbom

import (
	"bufio"
	"fmt"
	"net/url"
	"os"
	"runtime/debug"
	"sort"
	"strings"
)

// ModulesOfPackages finds the modules of a binary whose build info lists
// none (rules_go's before v0.63.0), from the packages Bazel linked into it.
//
// The file at packages lists them, one a line: a package's import path,
// then, for a package of a repository that Gazelle's go_deps made, a tab and
// that repository's package URL, from its package metadata (a package may
// be listed again, with and without it). The package URL,
// pkg:golang/<module>@<version>, names the module and the version go_deps
// fetched: after minimal version selection over the go.mod of every Bazel
// module and after overrides, so the version that was linked. Packages of
// the main repository are not listed.
//
// goModPath, when not "", is the go.mod of the main module: it names the main
// module, adds the replacements it makes to the modules they apply to, and
// gives the version of modules whose packages have no metadata (those of
// Bazel modules, or of repositories declared by hand), which is only what it
// requires. A package with neither is a module of its own, without a
// version.
func ModulesOfPackages(packages, goModPath string) (*Modules, error) {
	g := &goMod{required: map[string]*debug.Module{}}
	if goModPath != "" {
		var err error
		if g, err = readGoMod(goModPath); err != nil {
			return nil, err
		}
	}
	listed, err := readPackages(packages)
	if err != nil {
		return nil, err
	}
	used := map[string]*debug.Module{}
	fetched := map[string]*debug.Module{}
	for _, p := range listed {
		var mod *debug.Module
		if p.purl != "" {
			if mod = fetched[p.purl]; mod == nil {
				if mod, err = fetchedModule(p.purl, g); err != nil {
					return nil, fmt.Errorf("package %s: %w", p.path, err)
				}
				fetched[p.purl] = mod
			}
		}
		if mod == nil {
			mod = g.providing(p.path)
		}
		if mod == nil {
			mod = &debug.Module{Path: p.path}
		}
		if mod.Path != g.main {
			used[mod.Path] = mod
		}
	}
	deps := make([]*debug.Module, 0, len(used))
	for _, m := range used {
		deps = append(deps, m)
	}
	sort.Slice(deps, func(i, j int) bool { return deps[i].Path < deps[j].Path })
	m := &Modules{Deps: deps}
	if g.main != "" {
		m.Main = debug.Module{Path: g.main, Version: "(devel)"}
	}
	return m, nil
}

type linkedPackage struct{ path, purl string }

// readPackages reads a package listing: each package once, in the order of
// its first line, with the package URL any of its lines gives.
func readPackages(path string) ([]*linkedPackage, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var pkgs []*linkedPackage
	seen := map[string]*linkedPackage{}
	s := bufio.NewScanner(f)
	for s.Scan() {
		pkg, purl, _ := strings.Cut(strings.TrimSpace(s.Text()), "\t")
		if pkg == "" {
			continue
		}
		p := seen[pkg]
		if p == nil {
			p = &linkedPackage{path: pkg}
			seen[pkg] = p
			pkgs = append(pkgs, p)
		}
		if purl != "" {
			p.purl = purl
		}
	}
	if err := s.Err(); err != nil {
		return nil, fmt.Errorf("reading the package listing %s: %w", path, err)
	}
	return pkgs, nil
}

// fetchedModule is the module a package URL names, with the replacement
// the go.mod makes when the fetched code is the replacement's; nil when the
// package URL is not a Go module's.
func fetchedModule(purl string, g *goMod) (*debug.Module, error) {
	mod, err := ParseGoPurl(purl)
	if err != nil || mod == nil {
		return nil, err
	}
	if r := g.replaced(mod.Path, mod.Version); r != nil {
		return &debug.Module{Path: r.Path, Version: r.Version, Replace: &debug.Module{Path: r.Replace.Path, Version: r.Replace.Version, Sum: mod.Sum}}, nil
	}
	return mod, nil
}

// ParseGoPurl reads a Go package URL, pkg:golang/<module>[@<version>]
// [?checksum=<go.sum hash>], as Gazelle writes them for go_deps' modules.
// It returns nil for a package URL of another type.
func ParseGoPurl(purl string) (*debug.Module, error) {
	rest, ok := strings.CutPrefix(purl, "pkg:golang/")
	if !ok {
		return nil, nil
	}
	rest, _, _ = strings.Cut(rest, "#")
	rest, query, _ := strings.Cut(rest, "?")
	path, version, _ := strings.Cut(rest, "@")
	path, err := url.PathUnescape(path)
	if err != nil {
		return nil, fmt.Errorf("package URL %q: %w", purl, err)
	}
	if version, err = url.PathUnescape(version); err != nil {
		return nil, fmt.Errorf("package URL %q: %w", purl, err)
	}
	qualifiers, err := url.ParseQuery(query)
	if err != nil {
		return nil, fmt.Errorf("package URL %q: %w", purl, err)
	}
	if path == "" {
		return nil, fmt.Errorf("package URL %q names no module", purl)
	}
	return &debug.Module{Path: path, Version: version, Sum: qualifiers.Get("checksum")}, nil
}
