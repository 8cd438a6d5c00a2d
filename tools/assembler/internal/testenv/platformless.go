package testenv

import (
	"path/filepath"
	"testing"
)

// PlatformlessTarball is what `crane append --oci-empty-base -o` writes: a
// go-containerregistry tarball of one image, with /etc/motd, whose config
// names no os and no architecture, though --platform was given.
func PlatformlessTarball(t testing.TB, platform string) string {
	t.Helper()
	crane := Tool(t, "crane")
	out := filepath.Join(t.TempDir(), "platformless.tar")
	Run(t, crane, "append", "--oci-empty-base", "--platform", platform, "-f", tarOfFiles(t, map[string]string{"etc/motd": "hi\n"}),
		"-t", "example.com/platformless:latest", "-o", out)
	return out
}
