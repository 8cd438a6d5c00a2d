package komigrate

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func writeKoConfig(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), ".ko.yaml")
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// billionLaughs nests nine aliases nine levels deep: 387 million values
// once decoded.
func billionLaughs() string {
	src := "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
	for i, c := range "bcdefghi" {
		prev := "*" + string("abcdefgh"[i])
		src += string(c) + ": &" + string(c) + " [" + strings.Repeat(prev+", ", 8) + prev + "]\n"
	}
	return src
}

// Files past the limits, and bytes that are not YAML, are refused naming
// the file and what to do, before their values are decoded.
func TestReadKoConfigRefusesHostileFiles(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), ".ko.yaml")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, path, want string
	}{
		{"alias bomb", writeKoConfig(t, "defaultFlags: &f [-v]\n"+strings.Replace(billionLaughs(), "a: &a", "defaultLdflags: &a", 1)), "aliases (*name) expand it by more than 100000 nodes"},
		{"alias into itself", writeKoConfig(t, "defaultFlags: &a [-v, *a]\n"), "or into itself (an alias bomb)"},
		{"huge", writeKoConfig(t, "defaultBaseImage: x\n"+strings.Repeat("# comment\n", MaxKoConfigBytes/10)), "is larger than 1048576 bytes"},
		{"not UTF-8", writeKoConfig(t, "defaultBaseImage: caf\xe9\n"), "UTF-8"},
		{"FIFO", fifo, "is not a regular file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadKoConfig(tc.path)
			if err == nil || !strings.Contains(err.Error(), tc.path) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error naming %s and saying %q", err, tc.path, tc.want)
			}
		})
	}
}
