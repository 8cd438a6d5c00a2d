package cli

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
)

// pack makes of a thin layout and the layer it leaves out a tarball and a
// complete layout that crane validates, of the image the build printed.
func TestPackThinLayout(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "motd")
	os.WriteFile(src, []byte("welcome\n"), 0o644)
	desc := filepath.Join(dir, "motd.json")
	runOK(t, "layer", "--file", src+"=/etc/motd", "--output", filepath.Join(dir, "motd.tar.gz"), "--descriptor", desc, "--quiet")
	thin := filepath.Join(dir, "thin")
	digest := runOK(t, "build", "--layer", desc, "--thin-layout", thin)
	tarball, complete := filepath.Join(dir, "image.tar"), filepath.Join(dir, "complete")
	runOK(t, "pack", "--layout", thin, "--layer", desc, "--output", tarball, "--output-layout", complete)
	crane := testenv.Tool(t, "crane")
	testenv.Run(t, crane, "validate", "--tarball", tarball)
	if got := layoutIndex(t, complete).Manifests[0].Digest.String(); got != digest {
		t.Errorf("the packed layout holds %s, the build printed %s", got, digest)
	}
}
