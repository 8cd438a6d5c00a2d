package release

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
	"github.com/google/go-containerregistry/pkg/v1/validate"

	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
	"github.com/rules-goimage/rules_goimage/tools/assembler/registry"
	"github.com/rules-goimage/rules_goimage/tools/assembler/sign"
)

// One of four images meets a storm on every blob upload to its
// repository, of 503s or of connections cut: the other three are pushed,
// signed and tagged; the failed one is named with why, and no tag names
// it. A rerun on a healthy registry uploads nothing to the repositories
// that were done and completes the one that failed.
func TestReleaseUnderAStorm(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fault testenv.Fault
		why   string
	}{
		{"of 503s", testenv.Status(http.StatusServiceUnavailable), "503"},
		{"of connections cut", testenv.Cut, "EOF"},
	} {
		t.Run(tc.name, func(t *testing.T) { testReleaseUnderAStorm(t, tc.fault, tc.why) })
	}
}

func testReleaseUnderAStorm(t *testing.T, fault testenv.Fault, why string) {
	reg := testenv.StartRegistry(t, false)
	proxy := testenv.StartFaultProxy(t, reg.Host)
	_, apps := appImages(t, 4, 1)
	signer := testSigner(t)
	targets := appTargets(t, proxy.Host, apps)
	proxy.Inject(testenv.BlobUpload("team/app2"), -1, fault)
	o := Options{Jobs: 2, Signer: signer, Registry: registry.Options{Backoff: fastBackoff}}

	results, _ := Run(context.Background(), targets, o)
	var summary bytes.Buffer
	Summary(&summary, results)
	want := "FAILED  //app2:image to " + proxy.Host + "/team/app2: "
	if !strings.Contains(summary.String(), "3 of 4 images pushed, 1 failed") || !strings.Contains(summary.String(), want) ||
		!strings.Contains(summary.String(), why) {
		t.Errorf("the summary does not name //app2:image as failed with %q:\n%s", why, summary.String())
	}
	for i, r := range results {
		if r.Pushed() != (i != 2) {
			t.Fatalf("%s: pushed %v (%v), want every image but //app2:image pushed", r.Target.Label, r.Pushed(), r.Err)
		}
	}
	wantTagged(t, reg.Host, apps, map[int]bool{0: true, 1: true, 3: true})

	wantSigned(t, reg.Host, apps, 0, 1, 3)

	proxy.Clear()
	results, _ = Run(context.Background(), targets, o)
	for _, r := range results {
		if !r.Pushed() {
			t.Fatalf("the rerun did not push %s: %v", r.Target.Label, r.Err)
		}
	}
	for _, i := range []int{0, 1, 3} {
		if n := proxy.Count(fmt.Sprintf("/v2/team/app%d/blobs/uploads/", i)); n != 0 {
			t.Errorf("the rerun sent %d upload requests to team/app%d, which the first run completed; requests:\n%s", n, i, proxy)
		}
	}
	layers, _ := apps[2].Layers()
	config, _ := apps[2].ConfigName()
	for _, d := range []string{digestOf(t, layers[len(layers)-1]), config.String()} {
		if n := uploads(proxy.Count, d); n != 1 {
			t.Errorf("the rerun uploaded blob %s of //app2:image %d times, want once; requests:\n%s", d, n, proxy)
		}
	}
	wantTagged(t, reg.Host, apps, map[int]bool{0: true, 1: true, 2: true, 3: true})
	wantSigned(t, reg.Host, apps, 0, 1, 2, 3)
}

// The registry accepts a layer of //app0:image, then loses it: the image's
// manifest is refused, so its push fails, naming the lost blob, and its
// tag is not moved; the other image is pushed. A rerun finds the layer
// missing, sends it again instead of trusting the first upload, and
// completes the image.
func TestReleaseWhenTheRegistryLosesABlob(t *testing.T) {
	reg := testenv.StartRegistry(t, false)
	proxy := testenv.StartFaultProxy(t, reg.Host)
	_, apps := appImages(t, 2, 1)
	layers, _ := apps[0].Layers()
	lost := digestOf(t, layers[len(layers)-1])
	proxy.LoseBlob(lost)
	targets := appTargets(t, proxy.Host, apps)
	o := Options{Registry: registry.Options{Backoff: fastBackoff}}

	results, _ := Run(context.Background(), targets, o)
	if results[0].Pushed() || !results[1].Pushed() {
		t.Fatalf("results: %v, %v; want //app0:image failed, //app1:image pushed; requests:\n%s", results[0].Err, results[1].Err, proxy)
	}
	if err := results[0].Err.Error(); !strings.Contains(err, "MANIFEST_BLOB_UNKNOWN") {
		t.Errorf("//app0:image failed with %q, want the registry's answer that it lacks a blob", err)
	}
	wantTagged(t, reg.Host, apps, map[int]bool{1: true})

	results, _ = Run(context.Background(), targets, o)
	if !results[0].Pushed() {
		t.Fatalf("the rerun did not push //app0:image: %v; requests:\n%s", results[0].Err, proxy)
	}
	if n := uploads(proxy.Count, lost); n != 2 {
		t.Errorf("the lost layer was uploaded %d times, want twice: once lost, once by the rerun; requests:\n%s", n, proxy)
	}
	wantTagged(t, reg.Host, apps, map[int]bool{0: true, 1: true})
}

// wantSigned checks that the images have signatures where cosign looks
// for them, the tag sha256-<hex>.sig.
func wantSigned(t *testing.T, host string, apps []v1.Image, which ...int) {
	t.Helper()
	for _, i := range which {
		sig := fmt.Sprintf("%s/team/app%d:%s.sig", host, i, strings.Replace(digestOf(t, apps[i]), ":", "-", 1))
		ref, err := name.ParseReference(sig)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := remote.Head(ref); err != nil {
			t.Errorf("//app%d:image is tagged but not signed: %s: %v", i, sig, err)
		}
	}
}

func appTargets(t *testing.T, host string, apps []v1.Image) []Target {
	var targets []Target
	for i, img := range apps {
		targets = append(targets, target(t, fmt.Sprintf("//app%d:image", i), fmt.Sprintf("%s/team/app%d", host, i), img))
	}
	return targets
}

// wantTagged checks, reading the registry directly, that the tag v1 of
// each image in tagged names it, complete (every blob read back and
// checked) and signed when the registry holds signatures, and that the
// tag of every other image names nothing.
func wantTagged(t *testing.T, host string, apps []v1.Image, tagged map[int]bool) {
	t.Helper()
	for i, app := range apps {
		ref, err := name.ParseReference(fmt.Sprintf("%s/team/app%d:v1", host, i))
		if err != nil {
			t.Fatal(err)
		}
		img, err := remote.Image(ref)
		if !tagged[i] {
			if terr := (*transport.Error)(nil); !errors.As(err, &terr) || terr.StatusCode != http.StatusNotFound {
				t.Errorf("%s names an image (%v), want no tag for an image whose push failed", ref, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", ref, err)
			continue
		}
		if got, want := digestOf(t, img), digestOf(t, app); got != want {
			t.Errorf("%s names %s, want %s", ref, got, want)
		}
		if err := validate.Image(img); err != nil {
			t.Errorf("%s is incomplete: %v", ref, err)
		}
	}
}

// testSigner is a key signer with a new ECDSA key.
func testSigner(t *testing.T) sign.Signer {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "key.pem")
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := sign.LoadKey(path, func() ([]byte, error) { return nil, sign.ErrNoPassword })
	if err != nil {
		t.Fatal(err)
	}
	return s
}
