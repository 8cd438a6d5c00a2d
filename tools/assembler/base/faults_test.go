package base

import (
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
	"github.com/rules-goimage/rules_goimage/tools/assembler/registry"
)

// Registry bases go through the retry policy of every registry request:
// 5xx answers, Retry-After, a connection cut mid-body and a stall all end
// in a complete, verified import.
func TestImportSurvivesRegistryFaults(t *testing.T) {
	bases := testenv.SaveBases(t)
	reg := testenv.StartRegistry(t, false)
	ref := reg.Push(t, "oci:"+bases.OCILayout+":base", "team/base:v1")
	digest := ref[strings.LastIndex(ref, "@")+1:]
	fast := registry.Options{Backoff: remote.Backoff{Duration: 10 * time.Millisecond, Factor: 2, Steps: 5}, IdleTimeout: 500 * time.Millisecond}
	for _, tc := range []struct {
		name  string
		times int
		match func(*http.Request) bool
		fault testenv.Fault
	}{
		{"three 500s", 3, testenv.ManifestRequest, testenv.Status(http.StatusInternalServerError)},
		{"429 with Retry-After", 1, testenv.BlobRead, func(w http.ResponseWriter, _ *http.Request, _ http.Handler) {
			w.Header().Set("Retry-After", "1")
			http.Error(w, "slow down", http.StatusTooManyRequests)
		}},
		{"a connection cut mid-body", 2, testenv.BlobRead, testenv.CutMidBody},
		{"a stall", 1, testenv.BlobRead, func(w http.ResponseWriter, r *http.Request, _ http.Handler) {
			select {
			case <-time.After(5 * time.Second):
			case <-r.Context().Done():
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			proxy := testenv.StartFaultProxy(t, reg.Host)
			rule := proxy.Inject(tc.match, tc.times, tc.fault)
			dir := filepath.Join(t.TempDir(), "layout")
			im, err := Import(context.Background(), proxy.Host+"/team/base@"+digest, []v1.Platform{hostPlatform}, dir,
				WithWorkDir(t.TempDir()), WithRegistry(fast))
			if err != nil {
				t.Fatalf("Import through %s: %v", tc.name, err)
			}
			if left := proxy.Left(rule); left != 0 {
				t.Errorf("%d faults were not met", left)
			}
			checkOpens(t, dir, "linux/"+hostArch())
			if im.Digest != digest {
				t.Errorf("imported %s, want %s", im.Digest, digest)
			}
		})
	}
}

func hostArch() string { return hostPlatform.Architecture }

// A layer too large to read whole in a request is fetched again when its
// download breaks off.
func TestImportRefetchesABrokenLayer(t *testing.T) {
	img, err := random.Image(24<<20, 1)
	if err != nil {
		t.Fatal(err)
	}
	cf, _ := img.ConfigFile()
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture = hostPlatform.OS, hostPlatform.Architecture
	if img, err = mutate.ConfigFile(img, cf); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "src")
	p, _ := layout.Write(dir, empty.Index)
	if err := p.AppendImage(img); err != nil {
		t.Fatal(err)
	}
	reg := testenv.StartRegistry(t, false)
	ref := reg.Push(t, "oci:"+dir, "team/big:v1")
	layers, _ := img.Layers()
	big, _ := layers[0].Digest()
	proxy := testenv.StartFaultProxy(t, reg.Host)
	rule := proxy.Inject(func(r *http.Request) bool {
		return testenv.BlobRead(r) && strings.HasSuffix(r.URL.Path, big.String())
	}, 2, testenv.CutMidBody)
	fast := registry.Options{Backoff: remote.Backoff{Duration: 10 * time.Millisecond, Factor: 2, Steps: 5}}
	out := filepath.Join(t.TempDir(), "layout")
	if _, err := Import(context.Background(), proxy.Host+"/team/big@"+ref[strings.LastIndex(ref, "@")+1:], nil, out,
		WithWorkDir(t.TempDir()), WithRegistry(fast)); err != nil {
		t.Fatalf("Import of a layer cut twice mid-body: %v", err)
	}
	if left := proxy.Left(rule); left != 0 {
		t.Errorf("%d cuts were not met", left)
	}
	checkOpens(t, out, "linux/"+hostArch())
}
