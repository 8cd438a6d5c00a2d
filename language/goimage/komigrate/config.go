// Package komigrate turns the base image settings of a ko configuration
// (.ko.yaml) into the directives of the goimage Gazelle language, so that
// a repository built with ko gets the same bases from go_image:
//
//   - defaultBaseImage becomes "# gazelle:goimage_base" in the BUILD file
//     of the Go module's root folder;
//   - each baseImageOverrides entry becomes "# gazelle:goimage_base" in the
//     BUILD file of the package it names;
//   - defaultPlatforms becomes "# gazelle:goimage_platforms" at the root.
//
// Each image reference becomes a base repository of the goimage module
// extension, "@<name>//:image", which the plan lists for MODULE.bazel.
package komigrate

import (
	"fmt"
	"os"

	"gopkg.in/yaml.v3"
)

// KoConfig holds the settings of a .ko.yaml that the migration reads; ko's
// other settings (builds, flags, ldflags) have no directive and are ignored.
type KoConfig struct {
	DefaultBaseImage   string            `yaml:"defaultBaseImage"`
	BaseImageOverrides map[string]string `yaml:"baseImageOverrides"`
	DefaultPlatforms   []string          `yaml:"defaultPlatforms"`
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
