// Package komigrate turns a ko configuration (.ko.yaml) into the
// directives of the goimage Gazelle language, the attributes of rules_go's
// go_binary and of go_image, and the base images of MODULE.bazel, so that
// a repository built with ko gets the same images from go_image:
//
//   - defaultBaseImage, or ko's own default base when there is none (as ko
//     reads it, KO_DEFAULTBASEIMAGE first), becomes "# gazelle:goimage_base"
//     in the BUILD file of the Go module's root folder;
//   - each baseImageOverrides entry of a package of the module becomes
//     "# gazelle:goimage_base" in the BUILD file of the package; one of a
//     main package of a required module becomes a go_image of the
//     go_binary go_deps' repository has for it (dependency.go);
//   - defaultPlatforms becomes "# gazelle:goimage_platforms" at the root;
//   - each builds entry (with defaultFlags, defaultLdflags and defaultEnv
//     where it has none of its own) becomes attributes of the go_binary of
//     its main package: x_defs, gotags, gc_goopts, gc_linkopts, race; its
//     linux_capabilities become the capabilities of its go_image;
//   - with Plan.KoPaths, the go_image rules get ko's binary_path and
//     data_path (image.go).
//
// The configuration is read strictly (keys.go): a key ko does not read is
// an error naming it and its line; what has no equivalent is reported,
// with why, never dropped silently. Each image reference becomes a base
// repository of the goimage module extension, "@<name>//:image", which is
// merged into MODULE.bazel (modulefile.go).
package komigrate

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// KoConfig holds the settings of a .ko.yaml.
type KoConfig struct {
	DefaultBaseImage   string
	BaseImageOverrides map[string]string
	DefaultPlatforms   []string
	Builds             []KoBuild
	DefaultFlags       flagList
	DefaultLdflags     stringList
	DefaultEnv         flagList

	// Ignored are the keys of builds entries that ko reads and does not
	// use, the GoReleaser settings it lists for reference: the migration
	// reports them.
	Ignored []IgnoredKey
	// FromEnv are the KO_ variables that set a value over the file, as ko
	// reads them: "KO_DEFAULTBASEIMAGE=gcr.io/distroless/static".
	FromEnv []string
	// DefaultBaseImageSet says whether defaultBaseImage is in the file or
	// the environment; without it, ko builds on its own default.
	DefaultBaseImageSet bool
}

// KoBuild is one entry of ko's builds: how ko runs go build for the main
// package at Dir/Main. An empty Flags, Ldflags or Env takes ko's default.
type KoBuild struct {
	ID                string
	Dir               string
	Main              string
	Flags             flagList
	Ldflags           stringList
	Env               stringList
	LinuxCapabilities flagList
}

// IgnoredKey is a key ko reads and does not use.
type IgnoredKey struct {
	Key  string // builds[2].goos
	Line int
	Why  string
}

// stringList is a YAML list of strings, or one string for a list of one,
// as ko reads ldflags.
type stringList []string

func (l *stringList) UnmarshalYAML(n *yaml.Node) error {
	return decodeList(n, (*[]string)(l), func(s string) []string { return []string{s} })
}

// flagList is a YAML list of go build arguments, or one string that ko
// splits at spaces.
type flagList []string

func (l *flagList) UnmarshalYAML(n *yaml.Node) error {
	return decodeList(n, (*[]string)(l), strings.Fields)
}

// decodeList decodes a YAML list of strings into l, a null into nil, and
// one string into what split makes of it.
func decodeList(n *yaml.Node, l *[]string, split func(string) []string) error {
	switch {
	case n.ShortTag() == "!!null":
		*l = nil
		return nil
	case n.Kind == yaml.ScalarNode:
		var s string
		if err := n.Decode(&s); err != nil {
			return err
		}
		*l = split(s)
		return nil
	}
	return n.Decode(l)
}

// ReadKoConfig reads a .ko.yaml file. Every key must be one ko reads;
// another is an error naming it and its line, so that no setting is
// dropped without a word. As ko (viper, mapstructure) does, keys match
// whatever their case.
func ReadKoConfig(path string) (*KoConfig, error) {
	data, err := readKoFile(path)
	if err != nil {
		return nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("reading the ko configuration %s: %w", path, err)
	}
	if err := checkAliases(path, &doc); err != nil {
		return nil, err
	}
	c := &KoConfig{}
	if len(doc.Content) == 0 {
		return c, nil
	}
	if err := decodeKeys(path, doc.Content[0], "the ko configuration", topKeys, c); err != nil {
		return nil, fmt.Errorf("reading the ko configuration: %w", err)
	}
	return c, nil
}
