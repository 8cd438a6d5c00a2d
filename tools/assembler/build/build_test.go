package build

import (
	"path/filepath"
	"testing"

	"github.com/rules-goimage/rules_goimage/tools/assembler/image"
	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
)

// Every base format goes through a build, and every output is checked and
// run by tools we did not write.
func TestBuildOnEveryBaseRuns(t *testing.T) {
	bases := testenv.SaveBases(t)
	reg := testenv.StartRegistry(t, false)
	bin := testenv.HostBinary(t)
	for _, tc := range []struct{ name, base string }{
		{"scratch", "scratch"},
		{"docker save classic", bases.DockerClassic},
		{"docker save Docker 25+", bases.Docker25},
		{"OCI layout", bases.OCILayout},
		{"OCI archive", bases.OCIArchive},
		{"registry", reg.Push(t, "oci:"+bases.OCILayout+":base", "base/image:v1")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			tag := testenv.UniqueName("build")
			tarball, layout := filepath.Join(dir, "image.tar"), filepath.Join(dir, "layout")
			digest := buildOK(t, &Request{Base: tc.base, Platform: hostPlatform(), Binary: &Binary{File: bin},
				Config: image.Config{Env: []string{"GREETING=from-build"}}, Tags: []string{tag}, Outputs: Outputs{Tarball: tarball, Layout: layout}})
			checkWithTools(t, tarball, tag, digest, "GREETING=from-build")
		})
	}
}
