//go:build e2e

// Package e2echeck holds the checks e2e/run.sh makes of what the e2e
// workspaces built, pushed and loaded: tarballs, registry contents, images in
// Docker engines, signatures. They run only under the e2e build tag, each as
// one test that e2e/run.sh calls with the paths and references it checks in
// E2E_* environment variables, for example
//
//	E2E_INDEX=127.0.0.1:5000/e2e/multi@sha256:... go test -tags e2e -run '^TestIndex$' ./tools/assembler/internal/e2echeck
package e2echeck

import (
	"archive/tar"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
)

// env returns the value of the environment variable key, which e2e/run.sh sets.
func env(t *testing.T, key string) string {
	t.Helper()
	v := os.Getenv(key)
	if v == "" {
		t.Fatalf("$%s is not set: e2e/run.sh runs this check with it", key)
	}
	return v
}

// reference parses ref, a reference to the plain-HTTP registry of the run.
func reference(t *testing.T, ref string) name.Reference {
	t.Helper()
	r, err := name.ParseReference(ref, name.Insecure)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// fetch returns the descriptor and the raw manifest ref names in the registry.
func fetch(t *testing.T, ref string) *remote.Descriptor {
	t.Helper()
	d, err := remote.Get(reference(t, ref))
	if err != nil {
		t.Fatalf("fetching %s: %v", ref, err)
	}
	return d
}

// remoteIndex returns the image index ref names.
func remoteIndex(t *testing.T, ref string) *v1.IndexManifest {
	t.Helper()
	idx, err := fetch(t, ref).ImageIndex()
	if err != nil {
		t.Fatalf("%s: %v", ref, err)
	}
	m, err := idx.IndexManifest()
	if err != nil {
		t.Fatalf("%s: %v", ref, err)
	}
	return m
}

// remoteImage returns the image ref names.
func remoteImage(t *testing.T, ref string) v1.Image {
	t.Helper()
	img, err := fetch(t, ref).Image()
	if err != nil {
		t.Fatalf("%s: %v", ref, err)
	}
	return img
}

// tarballIndex returns the index.json of a tarball that is an OCI layout: a
// go_image tarball (a docker archive too), or containerd's export.
func tarballIndex(t *testing.T, path string) *v1.IndexManifest {
	t.Helper()
	dir := t.TempDir()
	testenv.Untar(t, path, dir)
	idx, err := layout.ImageIndexFromPath(dir)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	m, err := idx.IndexManifest()
	if err != nil || len(m.Manifests) == 0 {
		t.Fatalf("%s: index.json lists no manifest (%v)", path, err)
	}
	return m
}

// builtDigest returns the digest the index.json of a go_image tarball names:
// its image's manifest, or its index.
func builtDigest(t *testing.T, path string) v1.Hash {
	t.Helper()
	return tarballIndex(t, path).Manifests[0].Digest
}

// tarballImage returns the image of a go_image tarball.
func tarballImage(t *testing.T, path string) v1.Image {
	t.Helper()
	dir := t.TempDir()
	testenv.Untar(t, path, dir)
	return testenv.LayoutImage(t, dir)
}

func configFile(t *testing.T, img v1.Image, what string) *v1.ConfigFile {
	t.Helper()
	c, err := img.ConfigFile()
	if err != nil {
		t.Fatalf("the config of %s: %v", what, err)
	}
	return c
}

// fileInTopLayer returns the bytes of the file whose path ends with suffix in
// the last layer of img (where go_image puts the binary).
func fileInTopLayer(t *testing.T, img v1.Image, suffix string) []byte {
	t.Helper()
	layers, err := img.Layers()
	if err != nil || len(layers) == 0 {
		t.Fatalf("the image has no layers (%v)", err)
	}
	rc, err := layers[len(layers)-1].Uncompressed()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			t.Fatalf("the top layer holds no file %s", suffix)
		}
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(h.Name, suffix) {
			b, err := io.ReadAll(tr)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
	}
}
