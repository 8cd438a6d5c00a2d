package inspect

import (
	"bytes"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
)

// An OCI 1.1 artifact index in an index is described as an artifact, not
// as an index of images.
func TestDescribeArtifactIndex(t *testing.T) {
	img, _ := random.Image(256, 1)
	inner, _ := random.Image(64, 1)
	bundle := mutate.AppendManifests(empty.Index, mutate.IndexAddendum{Add: inner})
	idx := mutate.AppendManifests(empty.Index,
		mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: "amd64"}}},
		mutate.IndexAddendum{Add: bundle, Descriptor: v1.Descriptor{ArtifactType: "application/vnd.example.bundle"}})
	dir := t.TempDir()
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.AppendIndex(idx); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := Describe(&out, dir); err != nil {
		t.Fatal(err)
	}
	bundleDigest, _ := bundle.Digest()
	innerDigest, _ := inner.Digest()
	if want := "artifact    " + bundleDigest.String() + " application/vnd.example.bundle (an index)"; !strings.Contains(out.String(), want) {
		t.Errorf("the description lacks %q:\n%s", want, out.String())
	}
	if strings.Contains(out.String(), innerDigest.String()) {
		t.Errorf("the description lists %s, which the artifact holds, as an image:\n%s", innerDigest, out.String())
	}
}
