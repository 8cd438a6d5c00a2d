package main

import (
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/mod/modfile"

	"github.com/rules-goimage/rules_goimage/language/goimage/komigrate"
)

// migration says where things are: the ko configuration, the Go module it
// builds and the repository.
type migration struct {
	koConfig   string
	repoRoot   string
	modulePath string
	moduleDir  string // slash-separated, relative to repoRoot
	koDir      string // the .ko.yaml's folder, slash-separated, relative to repoRoot
	requires   []string
}

func locate(koConfig, repoRoot string) (*migration, error) {
	m := &migration{koConfig: koConfig}
	if !filepath.IsAbs(koConfig) {
		// bazel run starts commands in the runfiles; the user's folder is this.
		m.koConfig = filepath.Join(os.Getenv("BUILD_WORKING_DIRECTORY"), koConfig)
	}
	m.koConfig, _ = filepath.Abs(m.koConfig)
	if _, err := os.Stat(m.koConfig); err != nil {
		return nil, fmt.Errorf("reading the ko configuration: %w", err)
	}
	goMod, err := findUp(filepath.Dir(m.koConfig), "go.mod")
	if err != nil {
		return nil, fmt.Errorf("finding the Go module of %s: %w", m.koConfig, err)
	}
	data, err := os.ReadFile(goMod)
	if err != nil {
		return nil, fmt.Errorf("reading the Go module: %w", err)
	}
	mf, err := modfile.ParseLax(goMod, data, nil)
	if err != nil {
		return nil, fmt.Errorf("reading the Go module: %w", err)
	}
	if mf.Module == nil || mf.Module.Mod.Path == "" {
		return nil, fmt.Errorf("%s has no module line", goMod)
	}
	m.modulePath = mf.Module.Mod.Path
	for _, r := range mf.Require {
		m.requires = append(m.requires, r.Mod.Path)
	}
	m.repoRoot = repoRoot
	if m.repoRoot == "" {
		m.repoRoot = os.Getenv("BUILD_WORKSPACE_DIRECTORY")
	}
	if m.repoRoot == "" {
		if m.repoRoot, err = findRepoRoot(filepath.Dir(goMod)); err != nil {
			return nil, err
		}
	}
	rel, err := filepath.Rel(m.repoRoot, filepath.Dir(goMod))
	if err != nil || rel == ".." || filepath.IsAbs(rel) || len(rel) > 2 && rel[:3] == ".."+string(filepath.Separator) {
		return nil, fmt.Errorf("the Go module %s is not inside the repository %s", goMod, m.repoRoot)
	}
	m.moduleDir = filepath.ToSlash(rel)
	if m.moduleDir == "." {
		m.moduleDir = ""
	}
	// The .ko.yaml is in the go.mod's folder or below it, so inside the repository too.
	rel, _ = filepath.Rel(m.repoRoot, filepath.Dir(m.koConfig))
	if m.koDir = filepath.ToSlash(rel); m.koDir == "." {
		m.koDir = ""
	}
	return m, nil
}

func (m *migration) layout() komigrate.Layout {
	return komigrate.Layout{ModulePath: m.modulePath, ModuleDir: m.moduleDir, KoDir: m.koDir, Requires: m.requires}
}

// findUp returns the path of the file name in dir or the nearest folder
// above it that has one.
func findUp(dir, name string) (string, error) {
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, name)); err == nil {
			return filepath.Join(d, name), nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("no %s in %s or above", name, dir)
		}
	}
}

func findRepoRoot(dir string) (string, error) {
	for _, marker := range []string{"MODULE.bazel", "WORKSPACE", "WORKSPACE.bazel"} {
		if p, err := findUp(dir, marker); err == nil {
			return filepath.Dir(p), nil
		}
	}
	return "", fmt.Errorf("no MODULE.bazel or WORKSPACE in %s or above: give -repo_root", dir)
}
