package push

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/validate"

	goregistry "github.com/rules-goimage/rules_goimage/tools/assembler/registry"
	"github.com/rules-goimage/rules_goimage/tools/assembler/store"

	"github.com/rules-goimage/rules_goimage/tools/assembler/image"
	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
	"github.com/rules-goimage/rules_goimage/tools/assembler/output"
)

var fastBackoff = remote.Backoff{Duration: time.Millisecond, Factor: 2, Steps: 5}

// writeLayout writes img (a v1.Image or v1.ImageIndex) as an OCI layout, the
// way the assembler does: index.json names it once per tag.
func writeLayout(t *testing.T, img any, names ...string) string {
	t.Helper()
	dir := t.TempDir()
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	if len(names) == 0 {
		names = []string{""}
	}
	for _, n := range names {
		var opts []layout.Option
		if n != "" {
			opts = append(opts, layout.WithAnnotations(map[string]string{"io.containerd.image.name": n}))
		}
		switch x := img.(type) {
		case v1.Image:
			err = p.AppendImage(x, opts...)
		case v1.ImageIndex:
			err = p.AppendIndex(x, opts...)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func randomImage(t *testing.T, size int64, layers int) v1.Image {
	t.Helper()
	img, err := random.Image(size, int64(layers))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// recorder is a registry's HTTP handler that notes every request, and can
// answer the first few blob uploads with 503 as an overloaded registry does.
type recorder struct {
	next http.Handler

	mu        sync.Mutex
	requests  []string
	failFirst int
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	r.requests = append(r.requests, req.Method+" "+req.URL.Path)
	fail := r.failFirst > 0 && req.Method == http.MethodPost && strings.Contains(req.URL.Path, "/blobs/uploads")
	if fail {
		r.failFirst--
	}
	r.mu.Unlock()
	if fail {
		http.Error(w, "overloaded", http.StatusServiceUnavailable)
		return
	}
	r.next.ServeHTTP(w, req)
}

func (r *recorder) count(method, pathPart string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, q := range r.requests {
		if strings.HasPrefix(q, method+" ") && strings.Contains(q, pathPart) {
			n++
		}
	}
	return n
}

func newRegistry(t *testing.T) (string, *recorder) {
	t.Helper()
	rec := &recorder{next: registry.New(registry.Logger(log.New(io.Discard, "", 0)))}
	srv := httptest.NewServer(rec)
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://"), rec
}

func TestPushImageWithTags(t *testing.T) {
	host, _ := newRegistry(t)
	img := randomImage(t, 1024, 2)
	dir := writeLayout(t, img, "bazel/app:image")
	got, err := pushDir(t, dir, Options{Repository: host + "/team/app", Tags: []string{"v1", "latest"}})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := img.Digest()
	if got.String() != host+"/team/app@"+want.String() {
		t.Errorf("Push returned %s, want %s/team/app@%s", got, host, want)
	}
	for _, tag := range []string{"v1", "latest"} {
		ref, _ := name.ParseReference(host + "/team/app:" + tag)
		pulled, err := remote.Image(ref)
		if err != nil {
			t.Fatalf("pulling %s: %v", ref, err)
		}
		if d, _ := pulled.Digest(); d != want {
			t.Errorf("%s has digest %s, want %s", ref, d, want)
		}
		if err := validate.Image(pulled); err != nil {
			t.Errorf("validating %s: %v", ref, err)
		}
	}
}

func TestPushWithoutTagsPushesByDigest(t *testing.T) {
	host, _ := newRegistry(t)
	img := randomImage(t, 512, 1)
	got, err := pushDir(t, writeLayout(t, img), Options{Repository: host + "/app"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := remote.Image(got); err != nil {
		t.Errorf("pulling %s: %v", got, err)
	}
}

func TestPushIndex(t *testing.T) {
	host, _ := newRegistry(t)
	idx := platformIndex(t, "amd64", "arm64")
	got, err := pushDir(t, writeLayout(t, idx), Options{Repository: host + "/app", Tags: []string{"multi"}})
	if err != nil {
		t.Fatal(err)
	}
	pulled, err := remote.Index(got)
	if err != nil {
		t.Fatal(err)
	}
	if err := validate.Index(pulled); err != nil {
		t.Error(err)
	}
	want, _ := idx.Digest()
	if got.DigestStr() != want.String() {
		t.Errorf("pushed %s, want digest %s", got, want)
	}
}

func TestPushUploadsOnlyMissingBlobs(t *testing.T) {
	host, rec := newRegistry(t)
	base := randomImage(t, 4096, 3)
	if _, err := pushDir(t, writeLayout(t, base), Options{Repository: host + "/app", Tags: []string{"base"}}); err != nil {
		t.Fatal(err)
	}
	before := rec.count(http.MethodPost, "/blobs/uploads")
	app, err := mutate.AppendLayers(base, randomLayer(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pushDir(t, writeLayout(t, app), Options{Repository: host + "/app", Tags: []string{"app"}}); err != nil {
		t.Fatal(err)
	}
	// The new layer and the new config; the three base layers are already there.
	if got := rec.count(http.MethodPost, "/blobs/uploads") - before; got != 2 {
		t.Errorf("second push started %d blob uploads, want 2 (the new layer and config)", got)
	}
}

// platformIndex is an index with a random linux image for each architecture.
func platformIndex(t *testing.T, archs ...string) v1.ImageIndex {
	t.Helper()
	var adds []mutate.IndexAddendum
	for _, arch := range archs {
		p := v1.Platform{OS: "linux", Architecture: arch}
		img := randomImage(t, 512, 1)
		cf, err := img.ConfigFile()
		if err != nil {
			t.Fatal(err)
		}
		cf = cf.DeepCopy()
		cf.OS, cf.Architecture = p.OS, p.Architecture
		if img, err = mutate.ConfigFile(img, cf); err != nil {
			t.Fatal(err)
		}
		adds = append(adds, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{Platform: &p}})
	}
	return mutate.AppendManifests(empty.Index, adds...)
}

func randomLayer(t *testing.T) v1.Layer {
	t.Helper()
	layers, err := randomImage(t, 2048, 1).Layers()
	if err != nil {
		t.Fatal(err)
	}
	return layers[0]
}

func TestPushRetriesTransientFailures(t *testing.T) {
	host, rec := newRegistry(t)
	rec.failFirst = 2
	img := randomImage(t, 1024, 1)
	got, err := pushDir(t, writeLayout(t, img), Options{Repository: host + "/app", Tags: []string{"v1"}})
	if err != nil {
		t.Fatalf("push through two 503 answers: %v", err)
	}
	if _, err := remote.Image(got); err != nil {
		t.Error(err)
	}
	if rec.failFirst != 0 {
		t.Errorf("the registry still had %d failures to serve: the push did not go through them", rec.failFirst)
	}
}

func TestPushReportsProgress(t *testing.T) {
	host, _ := newRegistry(t)
	var progress bytes.Buffer
	img := randomImage(t, 2<<20, 2)
	_, err := pushDir(t, writeLayout(t, img), Options{
		Repository: host + "/app", Tags: []string{"v1"},
		Progress: &progress, ProgressInterval: time.Nanosecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	out := progress.String()
	if !strings.Contains(out, "pushing: ") || !strings.Contains(out, "pushed 4.0 MiB") {
		t.Errorf("progress output lacks the progress and summary lines:\n%s", out)
	}
}

func TestPushErrors(t *testing.T) {
	img := randomImage(t, 256, 1)
	two := writeLayout(t, img)
	p, _ := layout.FromPath(two)
	p.AppendImage(randomImage(t, 256, 1))
	for _, tc := range []struct {
		name, dir string
		o         Options
		want      string
	}{
		{"no repository", writeLayout(t, img), Options{}, "no repository to push to"},
		{"bad repository", writeLayout(t, img), Options{Repository: "Bad/Repo"}, "repository \"Bad/Repo\" is not valid"},
		{"unstamped tag", writeLayout(t, img), Options{Repository: "example.com/app", Tags: []string{"{BUILD_USER}"}}, "only filled in when building with --stamp"},
		{"two images", two, Options{Repository: "example.com/app"}, "lists 2 images"},
		{"not a layout", t.TempDir(), Options{Repository: "example.com/app"}, "is not an OCI image layout"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := pushDir(t, tc.dir, tc.o)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Push error = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestPushMountsBaseLayersFromSameRegistry(t *testing.T) {
	reg := testenv.StartMountingRegistry(t)
	base := randomImage(t, 4096, 3)
	if _, err := pushDir(t, writeLayout(t, base), Options{Repository: reg.Host + "/base/static", Tags: []string{"v1"}}); err != nil {
		t.Fatal(err)
	}
	app, err := mutate.AppendLayers(base, randomLayer(t))
	if err != nil {
		t.Fatal(err)
	}
	log := &testenv.RequestLog{}
	got, err := pushDir(t, writeLayout(t, app), Options{
		Repository: reg.Host + "/team/app", Tags: []string{"v1"}, MountFrom: reg.Host + "/base/static",
		Registry: goregistry.Options{Transport: log},
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := log.Count("POST", "mount=", "from=base%2Fstatic", " 201"); n != 3 {
		t.Errorf("%d blobs were mounted from base/static, want the 3 base layers; requests:\n%s", n, log)
	}
	if n := log.Count("PATCH", "/team/app/blobs/uploads/"); n != 2 {
		t.Errorf("%d blobs were uploaded, want 2 (the app layer and the config); requests:\n%s", n, log)
	}
	pulled, err := remote.Image(got)
	if err != nil {
		t.Fatal(err)
	}
	if err := validate.Image(pulled); err != nil {
		t.Error(err)
	}
}

func TestPushWithPasswordNeverPrintsIt(t *testing.T) {
	reg := testenv.StartRegistry(t, true)
	user, password := reg.User, reg.Password
	secrets := []string{password, base64.StdEncoding.EncodeToString([]byte(user + ":" + password))}

	reg.UseDockerLogin(t, password)
	var progress bytes.Buffer
	img := randomImage(t, 1<<20, 1)
	got, err := pushDir(t, writeLayout(t, img), Options{
		Repository: reg.Host + "/private/app", Tags: []string{"v1"}, Registry: goregistry.Options{Keychain: authn.DefaultKeychain}, Progress: &progress, ProgressInterval: time.Nanosecond,
	})
	if err != nil {
		t.Fatalf("push with the right password: %v", err)
	}
	assertNoSecret(t, got.String()+progress.String(), secrets)

	reg.UseDockerLogin(t, "wrong-"+password)
	_, err = pushDir(t, writeLayout(t, img), Options{Repository: reg.Host + "/private/app", Tags: []string{"v2"}})
	if err == nil {
		t.Fatal("push with a wrong password succeeded")
	}
	if !strings.Contains(err.Error(), "401") && !strings.Contains(strings.ToLower(err.Error()), "unauthorized") {
		t.Errorf("error %q does not say the registry refused the credentials", err)
	}
	assertNoSecret(t, err.Error(), append(secrets, "wrong-"+password))
}

func TestPushWithCredentialHelper(t *testing.T) {
	reg := testenv.StartRegistry(t, true)
	reg.UseCredentialHelper(t)
	img := randomImage(t, 4096, 1)
	got, err := pushDir(t, writeLayout(t, img), Options{
		Repository: reg.Host + "/private/helped", Tags: []string{"v1"}, Registry: goregistry.Options{Keychain: authn.DefaultKeychain},
	})
	if err != nil {
		t.Fatalf("push with credentials from docker-credential-goimagetest: %v", err)
	}
	auth := remote.WithAuth(&authn.Basic{Username: reg.User, Password: reg.Password})
	pulled, err := remote.Image(got, auth)
	if err != nil {
		t.Fatal(err)
	}
	if err := validate.Image(pulled); err != nil {
		t.Error(err)
	}
}

// TestPushWithBearerToken pushes to a registry that hands out bearer tokens
// for the user's password, as Docker Hub, GHCR and GCR do.
func TestPushWithBearerToken(t *testing.T) {
	reg := testenv.StartTokenRegistry(t)
	img := randomImage(t, 4096, 2)
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	if _, err := pushDir(t, writeLayout(t, img), Options{Repository: reg.Host + "/team/app", Tags: []string{"v1"}, Registry: goregistry.Options{Keychain: authn.DefaultKeychain}}); err == nil {
		t.Fatal("an anonymous push to a registry that only lets its user push succeeded")
	}
	reg.UseCredentialHelper(t)
	got, err := pushDir(t, writeLayout(t, img), Options{Repository: reg.Host + "/team/app", Tags: []string{"v1"}, Registry: goregistry.Options{Keychain: authn.DefaultKeychain}})
	if err != nil {
		t.Fatalf("push with a token for the user: %v", err)
	}
	pulled, err := remote.Image(got, remote.WithAuth(&authn.Basic{Username: reg.User, Password: reg.Password}))
	if err != nil {
		t.Fatal(err)
	}
	if err := validate.Image(pulled); err != nil {
		t.Error(err)
	}
}

// TestPushAttachedArtifacts pushes an image with an SBOM attached, as
// go_image writes it with sbom = True, to docker-registry, which has no OCI
// referrers API: the SBOM is pushed and found through the fallback tag.
func TestPushAttachedArtifacts(t *testing.T) {
	reg := testenv.StartRegistry(t, false)
	img := randomImage(t, 4096, 1)
	doc := []byte(`{"spdxVersion": "SPDX-2.3"}`)
	art, err := image.Artifact(img, "application/spdx+json", doc, nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "layout")
	if err := output.WriteLayout(dir, output.Content{Image: img, Tags: []string{"example.com/app:v1"}, Referrers: []v1.Image{art}}); err != nil {
		t.Fatal(err)
	}
	var progress bytes.Buffer
	got, err := pushDir(t, dir, Options{Repository: reg.Host + "/team/app", Tags: []string{"v1"}, Progress: &progress})
	if err != nil {
		t.Fatal(err)
	}
	artDigest, err := art.Digest()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(progress.String(), artDigest.String()) {
		t.Errorf("push did not say it pushed the artifact %s: %q", artDigest, progress.String())
	}
	refs, err := remote.Referrers(got)
	if err != nil {
		t.Fatal(err)
	}
	m, err := refs.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Manifests) != 1 || m.Manifests[0].Digest != artDigest || m.Manifests[0].ArtifactType != "application/spdx+json" {
		t.Fatalf("referrers of %s: %+v; want the SBOM %s", got, m.Manifests, artDigest)
	}
	pulled, err := remote.Image(got.Context().Digest(artDigest.String()))
	if err != nil {
		t.Fatal(err)
	}
	layers, err := pulled.Layers()
	if err != nil || len(layers) != 1 {
		t.Fatalf("the pushed SBOM has layers %v, %v; want one", layers, err)
	}
	rc, err := layers[0].Uncompressed()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	if b, _ := io.ReadAll(rc); !bytes.Equal(b, doc) {
		t.Errorf("the pushed SBOM holds %q, want %q", b, doc)
	}
}

func assertNoSecret(t *testing.T, out string, secrets []string) {
	t.Helper()
	for _, s := range secrets {
		if strings.Contains(out, s) {
			t.Errorf("output shows a credential:\n%s", out)
		}
	}
}

// pushDir pushes the layout in dir, retrying fast.
func pushDir(t *testing.T, dir string, o Options) (name.Digest, error) {
	t.Helper()
	s, err := store.Open(dir)
	if err != nil {
		return name.Digest{}, err
	}
	defer s.Close()
	o.Registry.Backoff = fastBackoff
	return Push(context.Background(), s, o)
}
