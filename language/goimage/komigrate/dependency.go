package komigrate

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/bazel-contrib/bazel-gazelle/v2/pathtools"
)

// Dependency is a main package of a module the Go module requires, which
// ko builds when a configuration names it (ko://github.com/tsenart/vegeta/v12)
// on the base baseImageOverrides gives it. go_image builds it from the
// go_binary that Gazelle writes for it in go_deps' repository of the module.
type Dependency struct {
	Key        string // the baseImageOverrides key
	ImportPath string // the main package: github.com/tsenart/vegeta/v12
	Module     string // the module that holds it, as go.mod requires it
	Repo       string // go_deps' repository of the module: com_github_tsenart_vegeta_v12
	Binary     string // the go_binary: @com_github_tsenart_vegeta_v12//:v12
	Name       string // the go_image's name, in the BUILD file of the module's root folder
	Base       Base
	Platforms  []string // defaultPlatforms
}

// dependencyPath reads a vendored import path as the package it is a copy
// of: ko, in GOPATH mode, named example.com/app/vendor/github.com/x/y what
// modules call github.com/x/y.
func dependencyPath(importPath string) (string, bool) {
	if i := strings.LastIndex("/"+importPath, "/vendor/"); i >= 0 {
		return importPath[i+len("vendor/"):], true
	}
	return importPath, false
}

func newDependency(key, importPath string, l Layout, b Base, platforms []string) (Dependency, error) {
	var module string
	for _, m := range l.Requires {
		if (importPath == m || strings.HasPrefix(importPath, m+"/")) && len(m) > len(module) {
			module = m
		}
	}
	if module == "" {
		return Dependency{}, fmt.Errorf("%q is not a package of the module %s nor of a module its go.mod requires; "+
			"for a dependency, require its module (go get %s), then run ko2goimage again", key, l.ModulePath, importPath)
	}
	rel := strings.TrimPrefix(strings.TrimPrefix(importPath, module), "/")
	repo := goDepsRepoName(module)
	return Dependency{
		Key:        key,
		ImportPath: importPath,
		Module:     module,
		Repo:       repo,
		// Gazelle names a go_binary as it names a package's binaries in
		// the workspace: after the folder, or the module path at its root.
		Binary:    fmt.Sprintf("@%s//%s:%s", repo, rel, pathtools.RelBaseName(rel, module, "")),
		Name:      dependencyImageName(importPath),
		Base:      b,
		Platforms: platforms,
	}, nil
}

var majorVersion = regexp.MustCompile(`^v[0-9]+$`)

// dependencyImageName names the image after the package, less a major
// version suffix: vegeta_image for github.com/tsenart/vegeta/v12.
func dependencyImageName(importPath string) string {
	parts := strings.Split(importPath, "/")
	name := parts[len(parts)-1]
	if len(parts) > 1 && majorVersion.MatchString(name) {
		name = parts[len(parts)-2]
	}
	return nonNameChars.ReplaceAllString(strings.ToLower(name), "_") + "_image"
}

func (p *Plan) uniqueImageName(base string) string {
	name := base
	for i := 2; slices.ContainsFunc(p.Dependencies, func(d Dependency) bool { return d.Name == name }); i++ {
		name = fmt.Sprintf("%s_%d", strings.TrimSuffix(base, "_image"), i) + "_image"
	}
	return name
}

// goDepsRepoName is the repository go_deps makes for a module: its path
// with the host's labels reversed, each character that is not a letter
// or digit an underscore, lowercased (gazelle's internal/bzlmod/go_deps.bzl,
// _repo_name).
func goDepsRepoName(module string) string {
	segments := strings.Split(module, "/")
	host := strings.Split(segments[0], ".")
	slices.Reverse(host)
	name := strings.Join(append(host, segments[1:]...), "_")
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			return r
		case r >= 'A' && r <= 'Z':
			return r - 'A' + 'a'
		}
		return '_'
	}, name)
}

// koAppPath is where ko puts a main package's binary: /ko-app/ and the
// last element of its import path (ko v0.19, pkg/build/gobuild.go).
func koAppPath(importPath string) string { return "/ko-app/" + path.Base(importPath) }

// koDataPath is where ko puts the kodata files, and KO_DATA_PATH.
const koDataPath = "/var/run/ko"
