package goimage

import (
	"log"

	"github.com/bazel-contrib/bazel-gazelle/v2/rule"
	"github.com/bazelbuild/bazel-gazelle/config"
)

// Directives understood by the extension.
const (
	// directiveEnabled turns image generation on or off: "# gazelle:goimage on|off".
	directiveEnabled = "goimage"
)

// imageConfig is the extension's configuration for one directory.
type imageConfig struct {
	enabled bool
}

func getConfig(c *config.Config) *imageConfig {
	if ic, ok := c.Exts[languageName].(*imageConfig); ok {
		return ic
	}
	return &imageConfig{enabled: true}
}

func (*goimageLang) KnownDirectives() []string { return []string{directiveEnabled} }

// Configure copies the parent directory's configuration and applies the
// directives of this directory's BUILD file.
func (*goimageLang) Configure(c *config.Config, rel string, f *rule.File) {
	ic := *getConfig(c)
	if f != nil {
		for _, d := range f.Directives {
			if d.Key == directiveEnabled {
				ic.enabled = parseOnOff(d.Key, d.Value, ic.enabled)
			}
		}
	}
	c.Exts[languageName] = &ic
}

func parseOnOff(key, value string, current bool) bool {
	switch value {
	case "on", "true":
		return true
	case "off", "false":
		return false
	}
	log.Printf("invalid value for directive %q: %q; allowed values are \"on\" and \"off\"", key, value)
	return current
}
