package build

import (
	"path/filepath"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
)

func TestBuildRefusesBinaryForAnotherPlatform(t *testing.T) {
	for _, tc := range []struct {
		goos, goarch, platform string
		want                   []string
	}{
		{"darwin", "arm64", "linux/amd64", []string{"macOS (Mach-O)", "GOOS=linux GOARCH=amd64"}},
		{"linux", "arm64", "linux/amd64", []string{"binary for linux/arm64", "image is linux/amd64", "GOARCH=amd64"}},
		{"linux", "amd64", "linux/arm64", []string{"binary for linux/amd64", "image is linux/arm64"}},
	} {
		t.Run(tc.goos+"_"+tc.goarch+"_in_"+tc.platform, func(t *testing.T) {
			p, err := v1.ParsePlatform(tc.platform)
			if err != nil {
				t.Fatal(err)
			}
			out := t.TempDir()
			err = buildErr(&Request{Base: "scratch", Platform: *p, Binary: &Binary{File: testenv.GoBinary(t, testenv.HelloSource, tc.goos, tc.goarch)},
				Outputs: Outputs{Tarball: filepath.Join(out, "image.tar")}})
			wantError(t, err, tc.want...)
			wantNoFiles(t, out)
		})
	}
}
