package cli

import (
	"strings"
	"testing"

	"github.com/rules-goimage/rules_goimage/tools/assembler/layer"
)

// FuzzEntrySpecs feeds any value to the parsers of the layer verb's entry
// flags and of --owner.
func FuzzEntrySpecs(f *testing.F) {
	for _, s := range []string{"bin/server=/app/server:0755", "/var/cache:0700", "/app/current=/app/v2", "65532:65532", "a=b:99999999999999999999", ":"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		for _, parse := range []func(string) ([]layer.Entry, error){parseFileSpec, parseDirSpec, parseSymlinkSpec} {
			entries, err := parse(v)
			if err == nil && len(entries) != 1 {
				t.Errorf("%q gave %d entries", v, len(entries))
			}
		}
		if uid, gid, err := parseOwner(v); err == nil && (uid < 0 || gid < 0) {
			t.Errorf("parseOwner(%q) = %d, %d", v, uid, gid)
		}
		if _, mode, err := splitMode(v); err == nil && (mode < 0 || mode > 0o7777) && strings.Contains(v, ":") {
			t.Errorf("splitMode(%q) = %o", v, mode)
		}
	})
}
