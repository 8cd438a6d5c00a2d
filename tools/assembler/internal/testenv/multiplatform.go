package testenv

import (
	"path/filepath"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// MultiPlatform is an image index for linux/amd64 and linux/arm64, made with
// the assembler's own build and index commands.
type MultiPlatform struct {
	Layout string
	// Images maps each platform to its image manifest descriptor.
	Images map[string]v1.Descriptor
}

// BuildMultiPlatform builds the hello program into an image for each of
// linux/amd64 and linux/arm64 and indexes them in one layout.
func BuildMultiPlatform(t testing.TB) *MultiPlatform {
	t.Helper()
	asm := Assembler(t)
	dir := t.TempDir()
	args := []string{"index", "--layout", filepath.Join(dir, "index"), "--quiet"}
	for _, arch := range []string{"amd64", "arm64"} {
		bin := GoBinary(t, HelloSource, "linux", arch)
		layout := filepath.Join(dir, arch)
		Run(t, asm, "build", "--binary", bin, "--platform", "linux/"+arch, "--layout", layout, "--quiet")
		args = append(args, "--image", layout)
	}
	Run(t, asm, args...)
	mp := &MultiPlatform{Layout: filepath.Join(dir, "index"), Images: map[string]v1.Descriptor{}}
	index := readIndex(t, mp.Layout)
	var idx v1.IndexManifest
	readJSON(t, blobFile(mp.Layout, index.Manifests[0].Digest), &idx)
	for _, d := range idx.Manifests {
		mp.Images[d.Platform.String()] = d
	}
	return mp
}

// ImageManifest reads the manifest of one platform's image.
func (mp *MultiPlatform) ImageManifest(t testing.TB, platform string) *v1.Manifest {
	t.Helper()
	var m v1.Manifest
	readJSON(t, blobFile(mp.Layout, mp.Images[platform].Digest), &m)
	return &m
}
