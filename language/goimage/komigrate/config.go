// Package komigrate turns a ko configuration (.ko.yaml) into the
// directives of the goimage Gazelle language and the attributes of rules_go's
// go_binary, so that a repository built with ko gets the same images from
// go_image:
//
//   - defaultBaseImage becomes "# gazelle:goimage_base" in the BUILD file
//     of the Go module's root folder;
//   - each baseImageOverrides entry becomes "# gazelle:goimage_base" in the
//     BUILD file of the package it names;
//   - defaultPlatforms becomes "# gazelle:goimage_platforms" at the root;
//   - each builds entry (with defaultFlags, defaultLdflags and defaultEnv
//     where it has none of its own) becomes attributes of the go_binary of
//     its main package: x_defs, gotags, gc_goopts, gc_linkopts, race. What
//     has no equivalent is reported, with why, never dropped silently.
//
// Each image reference becomes a base repository of the goimage module
// extension, "@<name>//:image", which the plan lists for MODULE.bazel.
package komigrate

import (
	"fmt"
	"os"
	"strings"

	"gopkg.in/yaml.v3"
)

// KoConfig holds the settings of a .ko.yaml that the migration reads.
type KoConfig struct {
	DefaultBaseImage   string            `yaml:"defaultBaseImage"`
	BaseImageOverrides map[string]string `yaml:"baseImageOverrides"`
	DefaultPlatforms   []string          `yaml:"defaultPlatforms"`
	Builds             []KoBuild         `yaml:"builds"`
	DefaultFlags       flagList          `yaml:"defaultFlags"`
	DefaultLdflags     stringList        `yaml:"defaultLdflags"`
	DefaultEnv         stringList        `yaml:"defaultEnv"`
}

// KoBuild is one entry of ko's builds: how ko runs go build for the main
// package at Dir/Main. An empty Flags, Ldflags or Env takes ko's default.
type KoBuild struct {
	ID      string     `yaml:"id"`
	Dir     string     `yaml:"dir"`
	Main    string     `yaml:"main"`
	Flags   flagList   `yaml:"flags"`
	Ldflags stringList `yaml:"ldflags"`
	Env     stringList `yaml:"env"`
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

// ReadKoConfig reads a .ko.yaml file.
func ReadKoConfig(path string) (*KoConfig, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading the ko configuration: %w", err)
	}
	var c KoConfig
	if err := yaml.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("reading the ko configuration %s: %w", path, err)
	}
	return &c, nil
}
