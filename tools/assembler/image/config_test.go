package image

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/validate"
)

func TestMergeEnv(t *testing.T) {
	got, err := mergeEnv([]string{"PATH=/bin", "A=1", "B=2"}, []string{"A=one", "C=3", "PATH=/usr/bin:$PATH", "D=${A}"})
	if err != nil {
		t.Fatal(err)
	}
	// Values see the base's variables, not the ones given beside them.
	want := []string{"PATH=/usr/bin:/bin", "A=one", "B=2", "C=3", "D=1"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mergeEnv (-want +got):\n%s", diff)
	}
}

func TestApplyKeepsBaseValuesNotGiven(t *testing.T) {
	cf := &v1.ConfigFile{Config: v1.Config{
		Entrypoint: []string{"/bin/sh"}, Cmd: []string{"-c", "x"}, User: "root", WorkingDir: "/",
		Labels: map[string]string{"base": "yes"},
	}}
	if err := (Config{Entrypoint: []string{"/app/server"}, Labels: map[string]string{"app": "server"}, ExposedPorts: []string{"8080", "53/udp"}}).apply(cf); err != nil {
		t.Fatal(err)
	}
	want := v1.Config{
		Entrypoint: []string{"/app/server"}, User: "root", WorkingDir: "/",
		Labels:       map[string]string{"base": "yes", "app": "server"},
		ExposedPorts: map[string]struct{}{"8080/tcp": {}, "53/udp": {}},
	}
	if diff := cmp.Diff(want, cf.Config); diff != "" {
		t.Errorf("config (-want +got):\n%s", diff)
	}
}

func TestAnnotationsOverrideBase(t *testing.T) {
	c := Config{BaseName: "example.com/base:v1", BaseDigest: v1.Hash{Algorithm: "sha256", Hex: "ab"},
		Annotations: map[string]string{AnnotationBaseName: "mirror.example.com/base:v1"}}
	want := map[string]string{AnnotationBaseName: "mirror.example.com/base:v1", AnnotationBaseDigest: "sha256:ab"}
	if diff := cmp.Diff(want, c.annotations()); diff != "" {
		t.Errorf("annotations (-want +got):\n%s", diff)
	}
}

func randomImage(t *testing.T, arch string) v1.Image {
	t.Helper()
	img, err := random.Image(64, 1)
	if err != nil {
		t.Fatal(err)
	}
	img, err = Assemble(img, nil, Config{})
	if err != nil {
		t.Fatal(err)
	}
	cf, _ := img.ConfigFile()
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture = "linux", arch
	return withConfig(t, img, cf)
}

func TestIndexListsPlatformsInOrder(t *testing.T) {
	idx, err := Index([]v1.Image{randomImage(t, "arm64"), randomImage(t, "amd64")})
	if err != nil {
		t.Fatal(err)
	}
	if err := validate.Index(idx); err != nil {
		t.Fatal(err)
	}
	m, _ := idx.IndexManifest()
	if len(m.Manifests) != 2 || m.Manifests[0].Platform.Architecture != "arm64" || m.Manifests[1].Platform.Architecture != "amd64" {
		t.Errorf("index lists %+v, want arm64 then amd64", m.Manifests)
	}
	if _, err := Index([]v1.Image{randomImage(t, "amd64"), randomImage(t, "amd64")}); err == nil {
		t.Error("two different images for linux/amd64 must be an error")
	}
}

func TestArtifactRefersToSubject(t *testing.T) {
	subject := randomImage(t, "amd64")
	art, err := Artifact(subject, "application/spdx+json", []byte(`{"spdxVersion":"SPDX-2.3"}`), nil)
	if err != nil {
		t.Fatal(err)
	}
	m, err := art.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	sd, _ := subject.Digest()
	if m.Subject == nil || m.Subject.Digest != sd || m.ArtifactType != "application/spdx+json" ||
		m.Config.MediaType != emptyConfigMediaType || m.Config.Size != 2 || len(m.Layers) != 1 {
		t.Errorf("artifact manifest %+v does not refer to %s with an empty config and one blob", m, sd)
	}
}
