package komigrate

import (
	"fmt"
	"maps"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
)

// Plan is what a migration writes: directives per BUILD file, attributes
// per go_binary and the base repositories MODULE.bazel needs.
type Plan struct {
	Packages []PackageDirectives // sorted by Dir
	Bases    []Base              // in the order the ko configuration names them
	Builds   []Build             // in the order of ko's builds, one per main package
	Defaults []string            // the defaultFlags, defaultLdflags and defaultEnv that are set

	// Dependencies are the main packages of other modules that ko builds
	// on the bases baseImageOverrides gives them.
	Dependencies []Dependency
	// KoPaths asks for ko's paths in the images: binary_path and data_path.
	KoPaths bool
	// ModulePath and ModuleDir are the Go module's, from the Layout.
	ModulePath, ModuleDir string
	// Ignored and FromEnv are the KoConfig's, for the report.
	Ignored []IgnoredKey
	FromEnv []string
}

// Layout says where a ko configuration is in the repository.
type Layout struct {
	ModulePath string   // the Go module whose go.mod is in the .ko.yaml's folder or above it
	ModuleDir  string   // the go.mod's folder, slash-separated, relative to the repository root; "" is the root
	KoDir      string   // the .ko.yaml's folder, where ko runs: builds' dir and main are relative to it
	Requires   []string // the module paths go.mod requires: baseImageOverrides may name their main packages
}

// PackageDirectives are the directives of one package's BUILD file.
type PackageDirectives struct {
	Dir        string // slash-separated, relative to the repository root; "" is the root
	Directives []Directive
}

// Directive is one "# gazelle:<Key> <Value>" line.
type Directive struct{ Key, Value string }

// Base is a base image repository of the goimage module extension.
type Base struct {
	Name   string // the repository name: the base is @<Name>//:image
	Image  string // the image reference without tag or digest
	Tag    string // the tag ko used, when the reference had no digest
	Digest string // sha256:..., from the reference or pinned by PinDigests
	// KoDefault says that ko used it because the configuration names no
	// base: KoDefaultBaseImage.
	KoDefault bool
}

// Label is the label directives use for the base.
func (b Base) Label() string { return "@" + b.Name + "//:image" }

// NewPlan computes the migration of a ko configuration.
func NewPlan(c *KoConfig, l Layout) (*Plan, error) {
	modulePath, moduleDir := l.ModulePath, l.ModuleDir
	p := &Plan{ModulePath: modulePath, ModuleDir: moduleDir, Ignored: c.Ignored, FromEnv: c.FromEnv}
	byDir := map[string][]Directive{}
	ref := c.DefaultBaseImage
	if !c.DefaultBaseImageSet {
		ref = KoDefaultBaseImage
	}
	b, err := p.base(ref)
	if err != nil {
		return nil, fmt.Errorf("defaultBaseImage: %w", err)
	}
	if !c.DefaultBaseImageSet {
		p.Bases[len(p.Bases)-1].KoDefault = true
	}
	byDir[moduleDir] = append(byDir[moduleDir], Directive{"goimage_base", b.Label()})
	platforms := koPlatforms(c.DefaultPlatforms)
	if len(platforms) > 0 {
		if slices.Contains(platforms, "all") {
			return nil, fmt.Errorf("defaultPlatforms: %q has no equivalent: list the platforms, such as linux/amd64 and linux/arm64", "all")
		}
		byDir[moduleDir] = append(byDir[moduleDir], Directive{"goimage_platforms", strings.Join(platforms, " ")})
	}
	for _, key := range slices.Sorted(maps.Keys(c.BaseImageOverrides)) {
		b, err := p.base(c.BaseImageOverrides[key])
		if err != nil {
			return nil, fmt.Errorf("baseImageOverrides[%q]: %w", key, err)
		}
		importPath, vendored := dependencyPath(strings.TrimPrefix(key, "ko://"))
		if !vendored {
			if dir, ok := packageDir(importPath, modulePath, moduleDir); ok {
				byDir[dir] = append(byDir[dir], Directive{"goimage_base", b.Label()})
				continue
			}
		}
		d, err := newDependency(key, importPath, l, b, platforms)
		if err != nil {
			return nil, fmt.Errorf("baseImageOverrides: %w", err)
		}
		d.Name = p.uniqueImageName(d.Name)
		p.Dependencies = append(p.Dependencies, d)
	}
	for _, dir := range slices.Sorted(maps.Keys(byDir)) {
		p.Packages = append(p.Packages, PackageDirectives{dir, byDir[dir]})
	}
	if err := p.addBuilds(c, l.KoDir); err != nil {
		return nil, err
	}
	return p, nil
}

// addBuilds maps ko's builds. ko keeps one entry per main package, the
// last, and so does the plan.
func (p *Plan) addBuilds(c *KoConfig, koDir string) error {
	for i, kb := range c.Builds {
		b, err := newBuild(i, kb, c, koDir)
		if err != nil {
			return err
		}
		p.Builds = slices.DeleteFunc(p.Builds, func(earlier Build) bool {
			if earlier.Dir == b.Dir {
				b.same("builds entry "+earlier.ID, "names the same main package; ko uses the last entry, this one")
			}
			return earlier.Dir == b.Dir
		})
		p.Builds = append(p.Builds, b)
	}
	if len(c.DefaultFlags) > 0 {
		p.Defaults = append(p.Defaults, "defaultFlags")
	}
	if len(c.DefaultLdflags) > 0 {
		p.Defaults = append(p.Defaults, "defaultLdflags")
	}
	if len(c.DefaultEnv) > 0 {
		p.Defaults = append(p.Defaults, "defaultEnv")
	}
	return nil
}

// packageDir is the repository folder of a package of the module.
func packageDir(importPath, modulePath, moduleDir string) (string, bool) {
	if importPath == modulePath {
		return moduleDir, true
	}
	rel, ok := strings.CutPrefix(importPath, modulePath+"/")
	if !ok {
		return "", false
	}
	return path.Join(moduleDir, rel), true
}

// koPlatforms reads platforms as ko does: one entry may list several,
// separated by commas (ko v0.19, build.WithPlatforms).
func koPlatforms(platforms []string) []string {
	if len(platforms) == 1 {
		return strings.Split(platforms[0], ",")
	}
	return platforms
}

// base returns the base repository for an image reference, adding it to
// the plan the first time.
func (p *Plan) base(ref string) (Base, error) {
	r, err := name.ParseReference(ref)
	if err != nil {
		return Base{}, fmt.Errorf("%q is not an image reference: %w", ref, err)
	}
	b := Base{Image: r.Context().Name()}
	switch r := r.(type) {
	case name.Digest:
		b.Digest = r.DigestStr()
	case name.Tag:
		b.Tag = r.TagStr()
	}
	for _, known := range p.Bases {
		if known.Image == b.Image && known.Tag == b.Tag && known.Digest == b.Digest {
			return known, nil
		}
	}
	b.Name = p.uniqueName(repositoryName(r.Context().RepositoryStr(), b.Tag))
	p.Bases = append(p.Bases, b)
	return b, nil
}

var nonNameChars = regexp.MustCompile(`[^a-z0-9]+`)

// repositoryName makes a Bazel repository name from the last two path
// components of the image and its tag: gcr.io/distroless/static:nonroot
// gives distroless_static_nonroot.
func repositoryName(repo, tag string) string {
	parts := strings.Split(repo, "/")
	if len(parts) > 2 {
		parts = parts[len(parts)-2:]
	}
	if parts[0] == "library" { // Docker Hub's official images
		parts = parts[1:]
	}
	if tag != "" && tag != "latest" {
		parts = append(parts, tag)
	}
	return strings.Trim(nonNameChars.ReplaceAllString(strings.ToLower(strings.Join(parts, "_")), "_"), "_")
}

func (p *Plan) uniqueName(base string) string {
	name := base
	for i := 2; slices.ContainsFunc(p.Bases, func(b Base) bool { return b.Name == name }); i++ {
		name = fmt.Sprintf("%s_%d", base, i)
	}
	return name
}
