package komigrate

import (
	"encoding/json"
	"fmt"
	"strings"
)

// KoDefaultBaseImage is the base ko builds on when neither the .ko.yaml
// nor KO_DEFAULTBASEIMAGE names one (ko v0.19,
// pkg/commands/options/build.go).
const KoDefaultBaseImage = "cgr.dev/chainguard/static:latest"

// ApplyEnv sets over the file what ko reads from the environment. ko's
// viper looks up KO_<KEY> for each key of the .ko.yaml, and a variable
// that is set and not empty wins over the file; lists are split at
// spaces, as viper does, and baseImageOverrides is read as JSON. lookup is
// os.LookupEnv, or a map in tests.
func (c *KoConfig) ApplyEnv(lookup func(string) (string, bool)) error {
	get := func(name string) (string, bool) {
		v, ok := lookup(name)
		if ok && v != "" {
			c.FromEnv = append(c.FromEnv, name+"="+v)
			return v, true
		}
		return "", false
	}
	if v, ok := get("KO_DEFAULTBASEIMAGE"); ok {
		c.DefaultBaseImage, c.DefaultBaseImageSet = v, true
	}
	if v, ok := get("KO_DEFAULTPLATFORMS"); ok {
		c.DefaultPlatforms = strings.Fields(v)
	}
	if v, ok := get("KO_DEFAULTFLAGS"); ok {
		c.DefaultFlags = strings.Fields(v)
	}
	if v, ok := get("KO_DEFAULTLDFLAGS"); ok {
		c.DefaultLdflags = strings.Fields(v)
	}
	if v, ok := get("KO_DEFAULTENV"); ok {
		c.DefaultEnv = strings.Fields(v)
	}
	if v, ok := get("KO_BASEIMAGEOVERRIDES"); ok {
		var overrides map[string]string
		if err := json.Unmarshal([]byte(v), &overrides); err != nil {
			return fmt.Errorf("KO_BASEIMAGEOVERRIDES: ko reads it as a JSON object of import paths to images: %w", err)
		}
		c.BaseImageOverrides = overrides
	}
	if _, ok := get("KO_BUILDS"); ok {
		return fmt.Errorf("KO_BUILDS is set, and ko cannot read builds from a variable either: write them in the .ko.yaml and unset it")
	}
	return nil
}
