package goimage

import (
	"context"
	"log"

	"github.com/bazel-contrib/bazel-gazelle/v2/config"
	"github.com/bazel-contrib/bazel-gazelle/v2/label"
)

// Directives understood by the extension. Each one applies to the package
// whose BUILD file holds it and to every package below, until a BUILD file
// further down sets it again. An empty value restores the default.
// docs/gazelle.md is the reference for users.
const (
	// enabledDirective turns image generation on or off: "on" or "off".
	enabledDirective = "goimage"
	// baseDirective is the label of the base image, or "scratch".
	baseDirective = "goimage_base"
	// platformsDirective lists the image platforms, os/arch[/variant].
	platformsDirective = "goimage_platforms"
	// repositoryDirective is the registry repository that .push targets
	// push to; {package} and {binary} are replaced per image.
	repositoryDirective = "goimage_repository"
	// tagsDirective lists the tags that .push targets push.
	tagsDirective = "goimage_tags"
	// namingDirective names the images: "auto" or a pattern with {binary}.
	namingDirective = "goimage_naming"
	// userDirective is the user the image runs as, "uid[:gid]" or a name.
	userDirective = "goimage_user"
	// dataDirective names a folder next to the binary whose files go into
	// the image, like ko's kodata.
	dataDirective = "goimage_data"
	// sbomDirective is the label of the go.mod that the images' SBOMs take
	// module versions from, or "off".
	sbomDirective = "goimage_sbom"
	// releaseDirective names a goimage_release target that lists every
	// go_image generated in its package and below. Unlike the others it
	// applies to its own package only.
	releaseDirective = "goimage_release"
)

// imageConfig is the extension's configuration for one directory. Its
// slices are never appended to in place, so that a copy made for a child
// directory can be changed without changing the parent's.
type imageConfig struct {
	enabled    bool
	base       label.Label // absolute; label.NoLabel means scratch
	platforms  []string
	repository string // a template with {package} and {binary}
	tags       []string
	naming     string // a pattern with {binary}; "" means auto
	user       string
	dataDir    string      // relative to the package; "" means no data
	sbomGoMod  label.Label // absolute; label.NoLabel means no SBOM
	release    string      // this package's release target; "" means none
}

// directiveSetters apply one directive's value to a configuration. They
// return an error and leave the configuration alone for a bad value.
var directiveSetters = map[string]func(ic *imageConfig, rel, value string) error{
	enabledDirective:    setEnabled,
	baseDirective:       setBase,
	platformsDirective:  setPlatforms,
	repositoryDirective: setRepository,
	tagsDirective:       setTags,
	namingDirective:     setNaming,
	userDirective:       setUser,
	dataDirective:       setData,
	sbomDirective:       setSBOM,
	releaseDirective:    setRelease,
}

func getConfig(c *config.Config) *imageConfig {
	if ic, ok := c.Exts[languageName].(*imageConfig); ok {
		return ic
	}
	return &imageConfig{enabled: true}
}

func (*goimageLang) KnownDirectives() []string {
	return []string{
		enabledDirective,
		baseDirective,
		platformsDirective,
		repositoryDirective,
		tagsDirective,
		namingDirective,
		userDirective,
		dataDirective,
		sbomDirective,
		releaseDirective,
	}
}

// Configure copies the parent directory's configuration and applies the
// directives of this directory's BUILD file. A bad value is logged and
// skipped, not returned: the directory keeps what it inherited, and
// Gazelle goes on.
func (*goimageLang) Configure(_ context.Context, args config.ConfigureArgs) error {
	ic := *getConfig(args.Config)
	ic.release = "" // a release is its own package's, never inherited
	if args.File != nil {
		for _, d := range args.File.Directives {
			set, ok := directiveSetters[d.Key]
			if !ok {
				continue
			}
			if err := set(&ic, args.Rel, d.Value); err != nil {
				log.Printf("%s: %v", packageName(args.Rel), err)
			}
		}
	}
	args.Config.Exts[languageName] = &ic
	return nil
}

// packageName is how log messages name a package: //path/to/pkg.
func packageName(rel string) string {
	return "//" + rel
}
