package store

import (
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

func TestKindOf(t *testing.T) {
	for _, tc := range []struct {
		name string
		d    v1.Descriptor
		want Kind
	}{
		{"image", v1.Descriptor{MediaType: types.OCIManifestSchema1}, KindImage},
		{"docker image", v1.Descriptor{MediaType: types.DockerManifestSchema2}, KindImage},
		{"image whose descriptor names its config", v1.Descriptor{MediaType: types.OCIManifestSchema1, ArtifactType: string(types.OCIConfigJSON)}, KindImage},
		{"index", v1.Descriptor{MediaType: types.OCIImageIndex}, KindIndex},
		{"docker manifest list", v1.Descriptor{MediaType: types.DockerManifestList}, KindIndex},
		{"artifact manifest", v1.Descriptor{MediaType: types.OCIManifestSchema1, ArtifactType: "application/spdx+json"}, KindArtifact},
		{"artifact index", v1.Descriptor{MediaType: types.OCIImageIndex, ArtifactType: "application/vnd.example.bundle"}, KindArtifact},
		{"attestation by annotation", v1.Descriptor{MediaType: types.OCIManifestSchema1, Annotations: map[string]string{"vnd.docker.reference.type": "attestation-manifest"}}, KindAttestation},
		{"attestation by platform", v1.Descriptor{MediaType: types.OCIManifestSchema1, Platform: &v1.Platform{OS: "unknown", Architecture: "unknown"}}, KindAttestation},
		{"layer", v1.Descriptor{MediaType: types.OCILayer}, KindOther},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := KindOf(tc.d); got != tc.want {
				t.Errorf("KindOf(%+v) = %d, want %d", tc.d, got, tc.want)
			}
		})
	}
}

// An OCI 1.1 layout may list, beside its image, artifacts of both forms: an
// image manifest whose artifactType names what it carries although its
// config is an image config, and an index with an artifactType. Neither is
// a second root; the manifest is a referrer.
func TestRootBesideOCI11Artifacts(t *testing.T) {
	img, _ := random.Image(256, 1)
	artifact, _ := random.Image(64, 1)
	bundle := mutate.AppendManifests(empty.Index, mutate.IndexAddendum{Add: artifact})
	dir := t.TempDir()
	p, _ := layout.Write(dir, empty.Index)
	if err := p.AppendImage(img, named("example.com/app:v1")); err != nil {
		t.Fatal(err)
	}
	artifactDesc := descriptorOf(t, artifact, types.OCIManifestSchema1)
	artifactDesc.ArtifactType = "application/vnd.example.report"
	if err := p.AppendDescriptor(artifactDesc); err != nil {
		t.Fatal(err)
	}
	if err := p.WriteIndex(bundle); err != nil {
		t.Fatal(err)
	}
	bundleDesc := descriptorOf(t, bundle, types.OCIImageIndex)
	bundleDesc.ArtifactType = "application/vnd.example.bundle"
	if err := p.AppendDescriptor(bundleDesc); err != nil {
		t.Fatal(err)
	}

	root, err := openRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := img.Digest()
	if root.Digest() != want || root.Image == nil {
		t.Errorf("Root is %s, want the image %s", root.Digest(), want)
	}
	if len(root.Referrers) != 1 {
		t.Fatalf("Root has %d referrers, want the artifact manifest", len(root.Referrers))
	}
	if got, _ := root.Referrers[0].Digest(); got != artifactDesc.Digest {
		t.Errorf("the referrer is %s, want the artifact manifest %s", got, artifactDesc.Digest)
	}
}

func descriptorOf(t *testing.T, m interface {
	Digest() (v1.Hash, error)
	Size() (int64, error)
}, mt types.MediaType) v1.Descriptor {
	t.Helper()
	h, err := m.Digest()
	if err != nil {
		t.Fatal(err)
	}
	n, err := m.Size()
	if err != nil {
		t.Fatal(err)
	}
	return v1.Descriptor{MediaType: mt, Digest: h, Size: n}
}
