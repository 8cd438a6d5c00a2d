package komigrate

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// configKey is a key of a YAML mapping of ko's configuration and how its
// value is read into T.
type configKey[T any] struct {
	name   string
	decode func(t T, n *yaml.Node, path string) error
}

// topKeys are the keys ko reads from a .ko.yaml (ko v0.19,
// pkg/commands/options/build.go).
var topKeys = []configKey[*KoConfig]{
	{"defaultBaseImage", func(c *KoConfig, n *yaml.Node, _ string) error {
		c.DefaultBaseImageSet = true
		if err := n.Decode(&c.DefaultBaseImage); err != nil {
			return err
		}
		if c.DefaultBaseImage == "" {
			return fmt.Errorf("defaultBaseImage is empty, which ko refuses too; remove it to build on ko's default base, %s", KoDefaultBaseImage)
		}
		return nil
	}},
	{"baseImageOverrides", func(c *KoConfig, n *yaml.Node, _ string) error { return n.Decode(&c.BaseImageOverrides) }},
	{"defaultPlatforms", func(c *KoConfig, n *yaml.Node, _ string) error {
		var l flagList
		err := n.Decode(&l)
		c.DefaultPlatforms = l
		return err
	}},
	{"builds", decodeBuilds},
	{"defaultFlags", func(c *KoConfig, n *yaml.Node, _ string) error { return n.Decode(&c.DefaultFlags) }},
	{"defaultLdflags", func(c *KoConfig, n *yaml.Node, _ string) error { return n.Decode(&c.DefaultLdflags) }},
	{"defaultEnv", func(c *KoConfig, n *yaml.Node, _ string) error { return n.Decode(&c.DefaultEnv) }},
}

// buildKeys are the keys ko reads from an entry of builds (ko v0.19,
// pkg/build/config.go).
var buildKeys = []configKey[*KoBuild]{
	{"id", func(b *KoBuild, n *yaml.Node, _ string) error { return n.Decode(&b.ID) }},
	{"dir", func(b *KoBuild, n *yaml.Node, _ string) error { return n.Decode(&b.Dir) }},
	{"main", func(b *KoBuild, n *yaml.Node, _ string) error { return n.Decode(&b.Main) }},
	{"ldflags", func(b *KoBuild, n *yaml.Node, _ string) error { return n.Decode(&b.Ldflags) }},
	{"flags", func(b *KoBuild, n *yaml.Node, _ string) error { return n.Decode(&b.Flags) }},
	{"env", func(b *KoBuild, n *yaml.Node, _ string) error { return n.Decode(&b.Env) }},
	{"linux_capabilities", func(b *KoBuild, n *yaml.Node, _ string) error { return n.Decode(&b.LinuxCapabilities) }},
}

// goreleaserKeys are the GoReleaser build settings ko's build
// configuration names for reference and does not use.
var goreleaserKeys = []string{"goos", "goarch", "goarm", "gomips", "targets", "binary", "lang", "asmflags", "gcflags", "mod_timestamp", "gobinary"}

// decodeKeys decodes the mapping n key by key into t. A key that is not
// in keys is an error naming it and its line.
func decodeKeys[T any](path string, n *yaml.Node, where string, keys []configKey[T], t T) error {
	if n.ShortTag() == "!!null" {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		return located{fmt.Errorf("%s:%d: %s is not a mapping of keys to values", path, n.Line, where)}
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		key, found := findKey(keys, k.Value)
		if !found {
			return unknownKey(path, k, where, keys)
		}
		if err := key.decode(t, v, path); err != nil {
			if _, ok := err.(located); ok {
				return err
			}
			return located{fmt.Errorf("%s:%d: %s: %w", path, k.Line, k.Value, err)}
		}
	}
	return nil
}

func findKey[T any](keys []configKey[T], name string) (configKey[T], bool) {
	for _, k := range keys {
		if strings.EqualFold(k.name, name) {
			return k, true
		}
	}
	return configKey[T]{}, false
}

func unknownKey[T any](path string, k *yaml.Node, where string, keys []configKey[T]) error {
	var names []string
	for _, key := range keys {
		names = append(names, key.name)
	}
	return located{fmt.Errorf("%s:%d: unknown key %q in %s; ko reads only %s: correct or remove it", path, k.Line, k.Value, where, strings.Join(names, ", "))}
}

// decodeBuilds reads ko's builds, each entry strictly. The GoReleaser
// settings ko ignores are recorded, for the migration to report.
func decodeBuilds(c *KoConfig, n *yaml.Node, path string) error {
	if n.ShortTag() == "!!null" {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		return located{fmt.Errorf("%s:%d: builds is not a list", path, n.Line)}
	}
	for i, entry := range n.Content {
		var b KoBuild
		if entry.Kind == yaml.MappingNode {
			var known []*yaml.Node
			for j := 0; j+1 < len(entry.Content); j += 2 {
				k := entry.Content[j]
				if isGoreleaserKey(k.Value) {
					c.Ignored = append(c.Ignored, IgnoredKey{Key: fmt.Sprintf("builds[%d].%s", i, k.Value), Line: k.Line,
						Why: "a GoReleaser build setting that ko does not use either"})
					continue
				}
				known = append(known, k, entry.Content[j+1])
			}
			entry = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: entry.Line, Content: known}
		}
		if err := decodeKeys(path, entry, fmt.Sprintf("builds[%d]", i), buildKeys, &b); err != nil {
			return err
		}
		c.Builds = append(c.Builds, b)
	}
	return nil
}

func isGoreleaserKey(name string) bool {
	for _, k := range goreleaserKeys {
		if strings.EqualFold(k, name) {
			return true
		}
	}
	return false
}

// located is an error that names its file and line already.
type located struct{ error }

func (e located) Unwrap() error { return e.error }
